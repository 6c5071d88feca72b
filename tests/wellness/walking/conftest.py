import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from kosmo.models import Union
from tests import factories
from wellness.records.models import DailyRecord
from wellness.walking.models import Checkpoint, Course, Entry, Team, WalkingEvent


@pytest.fixture
def rich(union):
    """The test union (the test client's host) on the rich contract: 歩Fes. is on."""
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


@pytest.fixture
def today():
    return timezone.localdate()


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def make_event(union, *, today, **fields) -> WalkingEvent:
    """An event taking entries today and running from today for 30 days, unless told."""
    values = {
        "title": "歩Fes. テスト",
        "entry_start": today - days(5),
        "entry_end": today + days(5),
        "start_on": today - days(2),
        "end_on": today + days(28),
        "team_battle": True,
        "team_size": 3,
        "stride_m": Decimal("0.70"),
    }
    values.update(fields)
    return WalkingEvent.objects.create(union=union, **values)


def make_course(union, points) -> Course:
    course = Course.objects.create(union=union, name="テストコース")
    for name, km, x, y in points:
        Checkpoint.objects.create(course=course, name=name, distance_km=Decimal(km), x=x, y=y)
    return course


def make_entry(event, person, nickname, team=None) -> Entry:
    return Entry.objects.create(
        event=event, person=person, nickname=nickname, team=team, token=uuid.uuid4()
    )


def make_team(event, name="チームA", code=None) -> Team:
    return Team.objects.create(
        event=event, name=name, emblem="★", code=code or uuid.uuid4().hex[:8].upper()
    )


def member_of(union, name="会員"):
    return factories.UserFactory(
        person__household=factories.HouseholdFactory(union=union), person__given_name=name
    ).person


def steps(person, day, value) -> None:
    DailyRecord.objects.update_or_create(
        person=person, item_key="steps", date=day, defaults={"value": Decimal(value)}
    )


@pytest.fixture
def event(rich, today):
    return make_event(rich, today=today)
