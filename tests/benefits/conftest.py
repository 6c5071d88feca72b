"""Fixtures of the 給付金 tests: the union's 給付種別 master and the manual's example."""

import datetime as dt

import pytest

from tests.benefits.factories import BenefitPaymentFactory, BenefitTypeFactory

DECEMBER = dt.date(2024, 12, 1)


@pytest.fixture
def types(union):
    """A slice of the union's master, by name."""
    names = [
        ("S01", "傷病手当金", 10),
        ("S02", "出産手当金", 20),
        ("S03", "出産育児一時金", 30),
        ("K01", "高額療養費", 40),
        ("K02", "付加給付", 50),
        ("H01", "インフルエンザ予防接種補助金", 90),
    ]
    return {
        name: BenefitTypeFactory(union=union, code=code, name=name, sort_order=order)
        for code, name, order in names
    }


@pytest.fixture
def manual_december(insured, dependent, types):
    """The manual's (3) table: 2024/12, two 「インフルエンザ予防接種補助金」 of ¥3,000."""
    flu = types["インフルエンザ予防接種補助金"]
    for member in (insured, dependent):
        BenefitPaymentFactory(
            person=member.person, benefit_type=flu, paid_month=DECEMBER, service_month=DECEMBER
        )
    return DECEMBER
