"""Double submits and events reported at the same moment (PostgreSQL, real threads and
connections): one draw a day, one coin one cell, one clear and one award per mission."""

import pytest
from django.db import connection
from django.utils import timezone

from kosmo.models import Union
from tests import factories
from tests.concurrency import THREADS, run_together
from tests.conftest import require
from wellness.missions import services
from wellness.missions.models import (
    Action,
    DailyClear,
    DailyMission,
    Game,
    LotteryDraw,
    Prize,
    ScratchCard,
)
from wellness.points.models import PointEntry


def run_together_refused(work):
    return run_together(work, refused=services.MissionRefused)


@pytest.fixture
def member():
    union = factories.UnionFactory(name="リッチ健康保険組合", tier=Union.ContractTier.RICH)
    DailyMission.objects.create(union=union, title="ログインする", action=Action.LOGIN)
    return factories.PersonFactory(household__union=union)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_logins_clear_and_award_once(member):
    require(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    today = timezone.localdate()

    run_together_refused(
        lambda n: services.record_activity(person=member, action=Action.LOGIN, on=today)
    )

    assert DailyClear.objects.filter(person=member).count() == 1
    assert PointEntry.objects.filter(person=member, source="missions.daily").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_draws_give_one_result(member):
    require(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    today = timezone.localdate()
    union = member.household.union
    Prize.objects.create(union=union, game=Game.LOTTERY, name="1等", points=10, weight=1)
    services.record_activity(person=member, action=Action.LOGIN, on=today)

    results = run_together_refused(
        lambda n: services.draw_lottery(person=member, union=union, day=today).pk
    )

    assert len(set(results)) == 1
    assert LotteryDraw.objects.count() == 1
    assert PointEntry.objects.filter(source="missions.lottery").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_coin_scratches_one_cell_whatever_the_clicks(member):
    require(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    from decimal import Decimal

    from wellness.records import services as record_services
    from wellness.records.items import SHIPPED_BY_KEY

    today = timezone.localdate()
    record_services.record_value(
        person=member, item=SHIPPED_BY_KEY["steps"], day=today, value=Decimal(3000)
    )

    results = run_together_refused(lambda n: services.scratch(person=member, cell=n, day=today)[1])

    assert ScratchCard.objects.count() == 1
    assert len(ScratchCard.objects.get().scratched) == 1
    assert sum(1 for result in results if isinstance(result, bool)) == 1
    assert (
        results.count("コインがありません。歩数を記録するとコインを獲得できます。") == THREADS - 1
    )
