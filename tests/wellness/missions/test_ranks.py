"""マンスリーミッション (manual §4-13): this month's login days set next month's rank, computed
by the scheduled task (idempotent), with each union's own thresholds."""

import datetime as dt

import pytest

from tests.factories import HouseholdFactory, UserFactory
from wellness.missions import services, tasks
from wellness.missions.models import Action, Activity, MonthlyRank, Rank, RankThreshold

DECEMBER = dt.date(2026, 12, 1)
NOVEMBER = dt.date(2026, 11, 1)


def logins(person, days, month=NOVEMBER):
    Activity.objects.bulk_create(
        Activity(person=person, action=Action.LOGIN, date=month + dt.timedelta(days=index))
        for index in range(days)
    )


@pytest.mark.parametrize(
    ("days", "rank"),
    [(0, None), (4, Rank.BRONZE), (5, Rank.SILVER), (9, Rank.SILVER), (10, Rank.GOLD),
     (19, Rank.GOLD), (20, Rank.PLATINUM), (30, Rank.PLATINUM)],
)  # fmt: skip
def test_last_months_login_days_give_this_months_rank(rich, person, days, rank):
    logins(person, days)

    services.compute_ranks(DECEMBER)

    row = MonthlyRank.objects.filter(person=person, month=DECEMBER).first()
    assert (row.rank if row else None) == rank


def test_a_unions_own_thresholds_replace_the_defaults_at_their_boundaries(rich, person):
    RankThreshold.objects.create(union=rich, rank=Rank.SILVER, min_days=8)
    RankThreshold.objects.create(union=rich, rank=Rank.PLATINUM, min_days=28)
    other = UserFactory(username="suzuki", person__household=HouseholdFactory(union=rich)).person
    third = UserFactory(username="kato", person__household=HouseholdFactory(union=rich)).person
    logins(person, 7)
    logins(other, 8)
    logins(third, 27)

    services.compute_ranks(DECEMBER)

    ranks = dict(MonthlyRank.objects.values_list("person_id", "rank"))
    assert ranks == {person.pk: Rank.BRONZE, other.pk: Rank.SILVER, third.pk: Rank.GOLD}


def test_logins_of_other_months_do_not_count(rich, person):
    logins(person, 10, month=dt.date(2026, 10, 1))
    logins(person, 3, month=DECEMBER)
    logins(person, 5, month=dt.date(2026, 11, 26))  # 26…30 November

    services.compute_ranks(DECEMBER)

    row = MonthlyRank.objects.get(person=person)
    assert (row.login_days, row.rank) == (5, Rank.SILVER)


def test_the_task_is_idempotent(rich, person):
    logins(person, 12)

    services.compute_ranks(DECEMBER)
    services.compute_ranks(DECEMBER)
    Activity.objects.create(person=person, action=Action.LOGIN, date=dt.date(2026, 11, 30))
    services.compute_ranks(DECEMBER)  # a late login of November, re-run: updated, not doubled

    assert list(MonthlyRank.objects.values_list("month", "rank", "login_days")) == [
        (DECEMBER, Rank.GOLD, 13)
    ]


def test_the_beat_task_computes_this_months_ranks(rich, person, today):
    previous = services.previous_month(today.replace(day=1))
    logins(person, 20, month=previous)

    tasks.compute_monthly_ranks.delay().get()
    tasks.compute_monthly_ranks.delay().get()

    assert list(MonthlyRank.objects.values_list("month", "rank")) == [
        (today.replace(day=1), Rank.PLATINUM)
    ]


def test_a_standard_union_gets_no_ranks(union, person):
    logins(person, 25)
    services.compute_ranks(DECEMBER)
    assert not MonthlyRank.objects.exists()


def test_the_beat_schedule_runs_both_jobs(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "wellness.missions.tasks.compute_monthly_ranks",
        "wellness.missions.tasks.expire_scratch_cards",
    } <= tasks_scheduled
