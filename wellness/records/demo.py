"""Demo 日々の記録 for `manage.py seed_demo`: a year of records up to today for each member
with an account in a union whose contract has 日々の記録 (the rich demo union kosmo); none on a
union without it (sakura, standard). 山田 太郎 walks more and loses weight over the year (the
checkup demo's 74.2 kg at the last exam), so his charts tell a story."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kosmo.models import Person, Union
from wellness.records.models import DailyRecord, DisplaySetting, RecordChange, Source, StepImport

DAYS = 365
FEATURE = "daily_records"


def _series(person: Person, day: dt.date, index: int, rng: random.Random) -> dict[str, str]:
    """One day's values; index 0 is a year ago, DAYS - 1 today."""
    female = person.sex == Person.Sex.FEMALE
    progress = index / (DAYS - 1)
    weekend = day.weekday() >= 5
    base_steps = (6500 if female else 5500) + int(3000 * progress)
    steps = max(0, base_steps + (-1500 if weekend else 800) + rng.randint(-2000, 2000))
    values = {"steps": str(steps), "sleep": f"{rng.choice([6, 6.5, 7, 7, 7.5, 8])}"}
    if index % 2 == 0 or index == DAYS - 1:
        weight = (54.0 - 1.0 * progress) if female else (74.2 - 3.0 * progress)
        values["weight"] = f"{weight + rng.uniform(-0.4, 0.4):.1f}"
        values["body_fat"] = (
            f"{(27.0 if female else 24.0) - 1.5 * progress + rng.uniform(-0.5, 0.5):.1f}"
        )
    if index % 3 == 0:
        sbp = (112 if female else 142) - int((2 if female else 10) * progress)
        values["sbp"] = str(sbp + rng.randint(-5, 5))
        values["dbp"] = str((70 if female else 88) - int(4 * progress) + rng.randint(-3, 3))
    if not female:
        values["alcohol"] = (
            f"{rng.choice([0, 0, 0.5, 1, 1, 2]) if weekend else rng.choice([0, 0, 0.5, 1]):.1f}"
        )
    values["meals"] = str(rng.choice([2, 3, 3, 3]))
    return values


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    rng = random.Random(20260421)  # noqa: S311 — demo data, the same every time
    today = timezone.localdate()
    first = today - dt.timedelta(days=DAYS - 1)
    persons = list(
        Person.objects.filter(household__union__in=unions.values(), account__isnull=False)
        .select_related("household__union")
        .order_by("household_id", "branch")
    )
    DailyRecord.objects.filter(person__in=persons).delete()
    RecordChange.objects.filter(person__in=persons).delete()
    DisplaySetting.objects.filter(person__in=persons).delete()
    StepImport.objects.filter(person__in=persons).delete()
    records = []
    members = 0
    for person in persons:
        if not person.household.union.has_feature(FEATURE):
            continue
        members += 1
        female = person.sex == Person.Sex.FEMALE
        height = Decimal("158.0" if female else "172.5")
        records.append(
            DailyRecord(
                person=person, item_key="height", date=first, value=height, source=Source.DEMO
            )
        )
        for index in range(DAYS):
            day = first + dt.timedelta(days=index)
            for key, value in _series(person, day, index, rng).items():
                records.append(
                    DailyRecord(
                        person=person,
                        item_key=key,
                        date=day,
                        value=Decimal(value),
                        source=Source.DEMO,
                    )
                )
    DailyRecord.objects.bulk_create(records, batch_size=2000)
    return [f"  日々の記録: {members}人分の1年間（{first:%Y/%m/%d}〜{today:%Y/%m/%d}）"]
