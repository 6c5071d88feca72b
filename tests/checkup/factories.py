"""Checkups for tests: `checkup_with(person, date, sbp="142", ...)` by item key."""

import datetime as dt

import factory

from checkup.criteria import Rules
from checkup.models import Checkup, CheckupResult, Column

NORMAL = {
    "height": "172.5",
    "weight": "68.0",
    "bmi": "22.9",
    "waist": "80.0",
    "sbp": "118",
    "dbp": "72",
    "tg": "100",
    "hdl": "55",
    "ldl": "100",
    "fpg": "90",
    "hba1c": "5.2",
    "ast": "20",
    "alt": "20",
    "ggt": "30",
    "uric_acid": "5.5",
    "urine_protein": "-",
    "med_bp": "2",
    "med_glucose": "2",
    "med_lipid": "2",
    "smoker": "2",
}


class CheckupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkup

    exam_date = dt.date(2025, 6, 14)
    household = factory.LazyAttribute(lambda checkup: checkup.person.household)
    institution = "コスモ健診センター"


def checkup_with(person, exam_date=dt.date(2025, 6, 14), **values) -> Checkup:
    """A checkup of `person` with normal values, `values` (item key → text) replacing them;
    a value of None leaves the item out."""
    codes = {key: item.code for key, item in Rules.with_overrides([]).items.items()}
    checkup = CheckupFactory(person=person, exam_date=exam_date)
    merged = {**NORMAL, **values}
    CheckupResult.objects.bulk_create(
        CheckupResult(checkup=checkup, item_code=codes[key], value=value)
        for key, value in merged.items()
        if value is not None
    )
    return checkup


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    category = "bp"
    title = factory.Sequence(lambda n: f"血圧を下げるコツ{n}")
    summary = "減塩から始めましょう。"
    body = "めん類の汁は残しましょう。\n\nカリウムをとりましょう。"
