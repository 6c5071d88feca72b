"""`manage.py seed_demo` gives both demo unions a 給付種別 master and payments, again and again."""

import datetime as dt

from django.core.management import call_command

from benefits.models import BenefitPayment, BenefitType
from kosmo.models import Union


def _by_union():
    return {
        union.slug: BenefitPayment.objects.filter(household__union=union).count()
        for union in Union.objects.all()
    }


def test_seed_demo_adds_payments_for_both_unions_and_is_repeatable(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _by_union()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _by_union() == first
    assert first["kosmo"] >= 20 and first["sakura"] >= 8
    assert BenefitType.objects.filter(union__slug="sakura", name="傷病手当金").exists()
    december = BenefitPayment.objects.filter(
        household__union__slug="kosmo", household__number="10001", paid_month=dt.date(2024, 12, 1)
    )
    assert sorted((p.person.full_name, p.benefit_type.name, p.amount) for p in december) == [
        ("山田 太郎", "インフルエンザ予防接種補助金", 3000),
        ("山田 花子", "インフルエンザ予防接種補助金", 3000),
    ]
    years = {p.paid_month.year for p in BenefitPayment.objects.all()}
    assert {2023, 2024, 2025} <= years
