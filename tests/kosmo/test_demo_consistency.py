"""The demo is a believable household: `seed_demo`'s claims, prescriptions and payments agree
with each other over all demo data, not only in the cases someone once looked at.

- every prescription (person, 診療年月, pharmacy) has that pharmacy's 調剤 claim, whose 自己負担
  is the lines' 支払額 (薬価 × 使用量 × 3割, half-up), and every 調剤 claim has its lines;
- a claim whose 自己負担 passes the 自己負担限度額 of 所得区分ウ (80,100円 + (総医療費 −
  267,000円) × 1%) has a 高額療養費 payment of exactly the excess for that person and month,
  and every 高額療養費 payment is such an excess;
- a payment with a period (傷病手当金, 出産手当金) counts every day of it;
- each claim's amounts add up (総額 = 保険者 + 公費 + 自己).
"""

import datetime as dt
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command

from benefits.models import BenefitPayment
from medical.models import CareType, Claim, PrescriptionLine


def _yen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _limit_band_u(total_cost: int) -> int:
    """区分ウ, written out here rather than read from the code under test."""
    return 80_100 + _yen(Decimal(max(total_cost - 267_000, 0)) / 100)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_every_prescription_has_its_pharmacys_claim_for_the_same_amount(demo):
    copays: dict[tuple, int] = defaultdict(int)
    for line in PrescriptionLine.objects.all():
        key = (line.person_id, line.service_month, line.provider_name)
        copays[key] += _yen(line.unit_price * line.quantity * Decimal("0.3"))
    pharmacy_claims = {
        (c.person_id, c.service_month, c.provider_name): c
        for c in Claim.objects.filter(care_type=CareType.PHARMACY)
    }

    assert len(copays) > 20
    for key, paid in copays.items():
        claim = pharmacy_claims.get(key)
        assert claim is not None, f"prescriptions without their 調剤 claim: {key}"
        assert claim.patient_paid == paid, key
    assert set(pharmacy_claims) == set(copays)  # and no 調剤 claim without its lines


def test_the_manuals_november_prescriptions_have_their_pharmacy_claim(demo):
    november = Claim.objects.filter(
        person__household__number="10001",
        person__branch="00",
        service_month=dt.date(2024, 11, 1),
        care_type=CareType.PHARMACY,
    ).get()

    assert (november.provider_name, november.patient_paid) == ("ホロウ薬局", 1429)


def test_a_claim_over_the_limit_has_its_high_cost_refund_and_every_refund_a_claim(demo):
    refunds = {
        (p.person_id, p.service_month): p.amount
        for p in BenefitPayment.objects.filter(benefit_type__name="高額療養費")
    }
    expected = {}
    for claim in Claim.objects.all():
        excess = claim.patient_paid - _limit_band_u(claim.total_cost)
        if excess > 0:
            expected[(claim.person_id, claim.service_month)] = excess

    assert len(expected) >= 4  # the rule is exercised, in both unions
    assert refunds == expected
    # 山田 一郎's stay of 2024/03: 620,000円, 3割 186,000円, 限度額 83,630円.
    ichiro = BenefitPayment.objects.get(
        person__household__number="10001",
        person__branch="02",
        benefit_type__name="高額療養費",
        service_month=dt.date(2024, 3, 1),
    )
    assert (ichiro.amount, ichiro.paid_month) == (102_370, dt.date(2024, 6, 1))
    assert ichiro.note == "所得区分ウ 限度額83,630円"
    # 180,000円 in hospital stays under it (3割 = 54,000円): nothing to pay back.
    hanako_stay = Claim.objects.get(
        person__household__number="10001", person__branch="01", care_type=CareType.INPATIENT
    )
    assert hanako_stay.total_cost == 180_000
    assert (hanako_stay.person_id, hanako_stay.service_month) not in refunds


def test_payments_with_a_period_count_each_of_its_days(demo):
    with_period = BenefitPayment.objects.exclude(period_start=None).exclude(period_end=None)

    assert with_period.filter(benefit_type__name="傷病手当金").count() >= 3
    for payment in with_period:
        assert payment.days == (payment.period_end - payment.period_start).days + 1, payment
    july = with_period.get(
        benefit_type__name="傷病手当金", person__household__number="10001", days=28
    )
    assert (july.period_start, july.period_end) == (dt.date(2025, 7, 4), dt.date(2025, 7, 31))
    assert july.amount == 28 * 8_580 and july.note == "待期期間 2025/07/01〜07/03"


def test_every_claims_amounts_add_up(demo):
    claims = list(Claim.objects.all())

    assert len(claims) > 100
    for claim in claims:
        parts = claim.insurer_paid + claim.public_paid + claim.patient_paid
        assert claim.total_cost == parts, claim
