"""Demo medical data: three years of claims and prescriptions for the demo households, with
the manual's examples (the March table and the November prescription statement).

A believable household: a visit to a clinic may end at the pharmacy next to it, whose 調剤
claim carries exactly the prescription lines (自己負担 = the lines' 支払額, 薬価 × 使用量 ×
3割 each, half-up); hospital stays are listed, and where one passes the 自己負担限度額 the
benefits demo pays the 高額療養費 for it (`claims_over_limit`)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kosmo import high_cost
from kosmo.models import Person, Union
from kosmo.money import to_yen
from medical import etax
from medical.models import CareType, Claim, Drug, PrescriptionLine
from medical.queries import copay

# (医療機関, 診療区分, the pharmacy that fills its prescriptions, or "")
CLINICS = [
    ("サンプルクリニック", CareType.OUTPATIENT, "ホロウ薬局"),
    ("みなと内科医院", CareType.OUTPATIENT, "みなと調剤薬局"),
    ("さくら歯科クリニック", CareType.DENTAL, ""),
]
HOSPITAL = "中央総合病院"
# Hospital stays: (union, household, branch, 診療年月 or months before today, 医療費総額, days).
# The relative one is paid back two months before today, so each demo run has a recent
# 高額療養費; 180,000円 stays under the 区分ウ limit (3割 = 54,000円 < 80,100円).
HOSPITAL_STAYS = [
    ("kosmo", "10001", "02", dt.date(2024, 3, 1), 620_000, 9),
    ("kosmo", "10001", "01", dt.date(2025, 7, 1), 180_000, 4),
    ("kosmo", "20001", "00", dt.date(2024, 10, 1), 450_000, 7),
    ("sakura", "30001", "02", dt.date(2024, 8, 1), 380_000, 6),
    ("sakura", "30001", "00", 5, 520_000, 8),
]
# (brand code, name, unit, 薬価, generic code, generic name, generic 薬価): the manual's example.
DRUGS = [
    (
        "620000001",
        "スピラゾンクリーム0.3%",
        "g",
        "14.7",
        "620000101",
        "プレドニゾロン吉草酸エステル酢酸エステルクリーム0.3%「YD」",
        "13.3",
    ),
    (
        "620000002",
        "サワシリンカプセル250 250mg",
        "カプセル",
        "10.2",
        "620000102",
        "アモキシシリンカプセル250mg「日医工」",
        "10.0",
    ),
    (
        "620000003",
        "ロキソニン錠60mg",
        "錠",
        "18.6",
        "620000103",
        "ロキソプロフェンナトリウム錠60mg",
        "5.6",
    ),
    (
        "620000004",
        "ムコスタ錠100mg",
        "錠",
        "17.4",
        "620000104",
        "レバミピド錠100mg「アメル」",
        "9.6",
    ),
]
QUANTITIES = ["5", "15", "126", "126"]


# Per unit of the drug, the quantities a prescription may give (a week, two weeks, a month …).
DOSES = {"g": ["5", "10", "20"], "カプセル": ["9", "15", "21"], "錠": ["14", "21", "42", "56"]}


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    for union in unions.values():
        etax.ensure_demo_credential(union)  # self-signed: e-Tax itself would not trust it
    drugs = _drugs()
    dispensable = drugs + [drug.generic for drug in drugs]
    rng = random.Random(20260401)  # noqa: S311 — demo data, the same every time
    today = timezone.localdate()
    months = [_months_back(today, back) for back in range(36, 2, -1)]  # claims arrive late
    persons = list(
        Person.objects.filter(household__union__in=unions.values()).select_related(
            "household__union"
        )
    )
    Claim.objects.filter(person__in=persons).delete()
    PrescriptionLine.objects.filter(person__in=persons).delete()
    claims, lines = [], []
    for person in persons:
        for month in months:
            if rng.random() > 0.35:
                continue
            for clinic, care_type, pharmacy in rng.sample(CLINICS, rng.randint(1, 2)):
                total = rng.randrange(1500, 40000, 10)
                claims.append(_claim(person, month, clinic, care_type, total, rng.randint(1, 3)))
                if pharmacy and rng.random() < 0.7:
                    chosen = rng.sample(dispensable, rng.randint(1, 3))
                    doses = [(drug, Decimal(rng.choice(DOSES[drug.unit]))) for drug in chosen]
                    claim, filled = _dispensed(person, month, pharmacy, doses)
                    claims.append(claim)
                    lines += filled
    manual = _manual_keys(persons)
    claims = [c for c in claims if (c.person_id, c.service_month) not in manual]
    lines = [li for li in lines if (li.person_id, li.service_month) not in manual]
    claims += _manual_claims(persons)
    manual_claims, manual_lines = _manual_prescriptions(persons, drugs)
    claims += manual_claims
    lines += manual_lines
    claims += _hospital_stays(persons, today)
    Claim.objects.bulk_create(claims)
    PrescriptionLine.objects.bulk_create(lines)
    period = f"{months[0]:%Y/%m}〜{months[-1]:%Y/%m}"
    return [f"  医療費: {len(claims)}件、処方医薬品: {len(lines)}件 ({period})"]


def _claim(
    person: Person, month: dt.date, provider: str, care_type: str, total: int, days: int
) -> Claim:
    """A claim charged the usual 3割 (the demo's 総額 are whole tens of yen)."""
    patient = total * 3 // 10
    return Claim(
        household=person.household,
        person=person,
        service_month=month,
        provider_name=provider,
        care_type=care_type,
        days=days,
        total_cost=total,
        insurer_paid=total - patient,
        public_paid=0,
        patient_paid=patient,
    )


def _dispensed(
    person: Person, month: dt.date, pharmacy: str, doses: list[tuple[Drug, Decimal]]
) -> tuple[Claim, list[PrescriptionLine]]:
    """The pharmacy's 調剤 claim and its lines: the 自己負担 is the lines' 支払額, the 総額 the
    drugs' price (the demo leaves out the pharmacy's fees)."""
    lines = [
        PrescriptionLine(
            household=person.household,
            person=person,
            service_month=month,
            provider_name=pharmacy,
            line_no=number,
            drug=drug,
            unit_price=drug.unit_price,
            quantity=quantity,
        )
        for number, (drug, quantity) in enumerate(doses, 1)
    ]
    patient = sum(copay(line.unit_price, line.quantity) for line in lines)
    total = sum(to_yen(line.unit_price * line.quantity) for line in lines)
    claim = Claim(
        household=person.household,
        person=person,
        service_month=month,
        provider_name=pharmacy,
        care_type=CareType.PHARMACY,
        days=1,
        total_cost=total,
        insurer_paid=total - patient,
        public_paid=0,
        patient_paid=patient,
    )
    return claim, lines


def _hospital_stays(persons: list[Person], today: dt.date) -> list[Claim]:
    by_key = {(p.household.union.slug, p.household.number, p.branch): p for p in persons}
    stays = []
    for slug, number, branch, when, total, days in HOSPITAL_STAYS:
        person = by_key.get((slug, number, branch))
        if person is not None:
            month = when if isinstance(when, dt.date) else _months_back(today, when)
            stays.append(_claim(person, month, HOSPITAL, CareType.INPATIENT, total, days))
    return stays


@dataclass(frozen=True)
class OverLimit:
    """A claim whose 自己負担 passed the month's 自己負担限度額, and what is paid back."""

    person: Person
    service_month: dt.date
    provider_name: str
    limit: int
    refund: int


def claims_over_limit(unions: dict[str, Union], *, band: str) -> list[OverLimit]:
    """The demo claims (as seeded) whose 自己負担 passes the 限度額 of 所得区分 `band`: what
    the benefits demo pays 高額療養費 for."""
    claims = Claim.objects.filter(household__union__in=unions.values()).select_related(
        "person__household__union"
    )
    found = []
    for claim in claims.order_by("service_month", "pk"):
        refund = high_cost.refund(
            total_cost=claim.total_cost, patient_paid=claim.patient_paid, band=band
        )
        if refund:
            limit = high_cost.monthly_limit(claim.total_cost, band)
            found.append(
                OverLimit(claim.person, claim.service_month, claim.provider_name, limit, refund)
            )
    return found


MANUAL_MONTH = dt.date(2025, 3, 1)
MANUAL_PRESCRIPTION_MONTH = dt.date(2024, 11, 1)


def _yamada(persons, branch: str) -> Person | None:
    return next((p for p in persons if p.household.number == "10001" and p.branch == branch), None)


def _manual_keys(persons) -> set:
    """The 山田 household's months that show exactly the manual's examples."""
    return {
        (p.pk, month)
        for p in persons
        if p.household.number == "10001"
        for month in (MANUAL_MONTH, MANUAL_PRESCRIPTION_MONTH)
    }


def _manual_claims(persons) -> list[Claim]:
    """The manual's 2025年3月 table: ¥27,120 = ¥18,984 + ¥4,416 + ¥3,720."""
    taro, hanako = _yamada(persons, "00"), _yamada(persons, "01")
    if not (taro and hanako):
        return []
    rows = [
        (taro, "サンプルクリニック", CareType.OUTPATIENT, 9972, 1200, 1628),
        (taro, "ホロウ薬局", CareType.PHARMACY, 1552, 0, 148),
        (hanako, "パドコ歯科", CareType.DENTAL, 7460, 3216, 1944),
    ]
    return [
        Claim(
            household=person.household,
            person=person,
            service_month=MANUAL_MONTH,
            provider_name=name,
            care_type=care_type,
            days=1,
            total_cost=insurer + public + patient,
            insurer_paid=insurer,
            public_paid=public,
            patient_paid=patient,
        )
        for person, name, care_type, insurer, public, patient in rows
    ]


def _manual_prescriptions(persons, drugs) -> tuple[list[Claim], list[PrescriptionLine]]:
    """The manual's 2024年11月 statement (¥1,429, of which ¥789 could be saved): 山田 太郎 saw
    サンプルクリニック and had the prescription filled at ホロウ薬局, whose 調剤 claim asks the
    same ¥1,429. And the 2025年3月 table's ホロウ薬局 claim (自己負担 ¥148) with its lines."""
    taro = _yamada(persons, "00")
    if taro is None:
        return [], []
    visit = _claim(
        taro, MANUAL_PRESCRIPTION_MONTH, "サンプルクリニック", CareType.OUTPATIENT, 4860, 1
    )
    november, november_lines = _dispensed(
        taro,
        MANUAL_PRESCRIPTION_MONTH,
        "ホロウ薬局",
        [(drug, Decimal(quantity)) for drug, quantity in zip(drugs, QUANTITIES, strict=True)],
    )
    # March: he switched to the generics (¥148, the table's 自己負担; its 総額 includes the
    # pharmacy's fees, which the demo's other 調剤 claims leave out).
    generics = [drugs[0].generic, drugs[2].generic, drugs[3].generic]
    _march, march_lines = _dispensed(
        taro,
        MANUAL_MONTH,
        "ホロウ薬局",
        [
            (drug, Decimal(quantity))
            for drug, quantity in zip(generics, ["5", "28", "28"], strict=True)
        ],
    )
    return [visit, november], november_lines + march_lines


def _months_back(today: dt.date, back: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _drugs() -> list[Drug]:
    brands = []
    for code, name, unit, price, generic_code, generic_name, generic_price in DRUGS:
        generic, _ = Drug.objects.update_or_create(
            code=generic_code,
            defaults={
                "name": generic_name,
                "unit": unit,
                "unit_price": Decimal(generic_price),
                "is_generic": True,
            },
        )
        brand, _ = Drug.objects.update_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "unit_price": Decimal(price), "generic": generic},
        )
        brands.append(brand)
    return brands
