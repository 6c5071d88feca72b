import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.concurrency import run_together
from tests.conftest import require
from wellness.points import services
from wellness.points.models import PointEntry

pytestmark = pytest.mark.django_db


def test_award_credits_once_per_event(person):
    first = services.award(person, points=5, source="login", key="2026-12-05", reason="ログイン")
    again = services.award(person, points=5, source="login", key="2026-12-05", reason="ログイン")
    assert first is not None and first.kind == PointEntry.Kind.EARN
    assert again is None
    assert services.balance(person) == 5


def test_award_of_nothing_or_less_credits_nothing(person):
    assert services.award(person, points=0, source="x", key="1", reason="x") is None
    assert services.award(person, points=-3, source="x", key="2", reason="x") is None
    assert services.balance(person) == 0


def test_frozen_points_earn_nothing(person, staff):
    services.set_frozen(person=person, frozen=True, reason="不正利用の疑い", staff=staff)
    assert services.award(person, points=5, source="login", key="d1", reason="ログイン") is None
    services.set_frozen(person=person, frozen=False, reason="確認済み", staff=staff)
    assert services.award(person, points=5, source="login", key="d1", reason="ログイン")


def test_former_member_earns_nothing(person):
    person.disqualified_on = timezone.localdate() - dt.timedelta(days=1)
    person.save()
    assert services.award(person, points=5, source="login", key="d1", reason="ログイン") is None
    assert services.balance(person) == 0


@pytest.mark.parametrize("seed", range(20))
def test_balance_is_the_sum_of_random_entries(person, staff, seed):
    rng = random.Random(seed)
    expected = 0
    seen = set()
    for step in range(40):
        action = rng.choice(["award", "award", "dup", "adjust"])
        if action == "award":
            points = rng.randint(-2, 50)
            key = str(step)
            entry = services.award(person, points=points, source="t", key=key, reason="t")
            if points > 0:
                expected += points
                seen.add(key)
                assert entry is not None
            else:
                assert entry is None
        elif action == "dup" and seen:
            assert (
                services.award(
                    person, points=9, source="t", key=rng.choice(sorted(seen)), reason="t"
                )
                is None
            )
        elif action == "adjust":
            points = rng.choice([-7, -1, 3, 20])
            services.adjust(person=person, points=points, reason="調整", staff=staff)
            expected += points
        assert services.balance(person) == expected
    assert services.balance(person) == sum(
        PointEntry.objects.filter(person=person).values_list("points", flat=True)
    )


def test_expiry_is_on_the_day_after_the_last_valid_day(person, rich):
    # Earned on 2026-01-15 with the default 12 months: valid to 2027-01-31.
    entry = services.award(person, points=30, source="t", key="old", reason="t")
    PointEntry.objects.filter(pk=entry.pk).update(valid_until=dt.date(2027, 1, 31))
    assert services.valid_until_for(rich.pk, dt.date(2026, 1, 15)) == dt.date(2027, 1, 31)
    assert services.expire_points(person, dt.date(2027, 1, 31)) is None
    assert services.balance(person) == 30
    expired = services.expire_points(person, dt.date(2027, 2, 1))
    assert expired.points == -30 and expired.kind == PointEntry.Kind.EXPIRE
    # Safe to re-run, the same day and later.
    assert services.expire_points(person, dt.date(2027, 2, 1)) is None
    assert services.expire_all(dt.date(2027, 2, 2)) == 0
    assert services.balance(person) == 0


def test_expiry_takes_spent_points_from_the_oldest_first(person, staff):
    old = services.award(person, points=30, source="t", key="old", reason="t")
    new = services.award(person, points=20, source="t", key="new", reason="t")
    PointEntry.objects.filter(pk=old.pk).update(valid_until=dt.date(2027, 1, 31))
    PointEntry.objects.filter(pk=new.pk).update(valid_until=dt.date(2027, 6, 30))
    services.adjust(person=person, points=-25, reason="調整", staff=staff)
    services.expire_all(dt.date(2027, 2, 1))
    assert services.balance(person) == 20  # 5 left of the old 30 expired
    services.expire_all(dt.date(2027, 7, 1))
    assert services.balance(person) == 0


def test_union_sets_how_long_points_last(rich):
    from wellness.points.models import PointPolicy

    PointPolicy.objects.create(union=rich, expiry_months=6)
    assert services.valid_until_for(rich.pk, dt.date(2026, 9, 1)) == dt.date(2027, 3, 31)


@pytest.mark.django_db(transaction=True)
def test_concurrent_awards_of_one_event_credit_once():
    require(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    person = factories.PersonFactory()

    results = run_together(
        lambda _n: services.award(person, points=10, source="login", key="same", reason="ログイン")
    )
    assert len([r for r in results if r is not None]) == 1
    assert services.balance(person) == 10
