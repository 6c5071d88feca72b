"""ポイントくじ (manual §4-12 (1)-2): only after every daily mission, once a day, drawn on the
server with the union's odds; 「はずれ」 is possible."""

import math
from collections import Counter
from decimal import Decimal

import pytest

from wellness.missions import queries, rules, services
from wellness.missions.models import Action, DailyClear, Game, LotteryDraw, Prize
from wellness.points.models import PointEntry
from wellness.points.services import balance
from wellness.records import services as record_services
from wellness.records.items import SHIPPED_BY_KEY


@pytest.fixture
def all_cleared(person, daily, today, django_capture_on_commit_callbacks):
    for action in (Action.LOGIN, Action.WEIGHT, Action.ARTICLE):
        services.record_activity(person=person, action=action, on=today)
    with django_capture_on_commit_callbacks(execute=True):
        record_services.record_value(
            person=person, item=SHIPPED_BY_KEY["steps"], day=today, value=Decimal(3000)
        )
    assert DailyClear.objects.filter(person=person, date=today).count() == 4
    return daily


def page(response) -> str:
    return response.content.decode()


def test_the_lottery_is_refused_before_every_mission_is_cleared(member_client, person, daily):
    response = member_client.post("/wellness/missions/lottery/", follow=True)

    assert "すべてのデイリーミッションをクリアすると、ポイントくじを引くことができます。" in page(
        response
    )
    assert not LotteryDraw.objects.exists()
    assert "くじを引く</button>" not in page(member_client.get("/wellness/missions/lottery/"))


def test_a_union_without_daily_missions_has_no_lottery(member_client, rich, person):
    member_client.post("/wellness/missions/lottery/")
    assert not LotteryDraw.objects.exists()


def test_clearing_everything_unlocks_the_draw_and_shows_the_result(
    member_client, rich, person, all_cleared, today
):
    top = page(member_client.get("/wellness/missions/"))
    assert 'href="/wellness/missions/lottery/">ポイントくじを引く</a>' in top
    lottery = page(member_client.get("/wellness/missions/lottery/"))
    assert "くじを引く</button>" in lottery
    assert "ポイントくじは「はずれ」の場合もあります。" in lottery

    Prize.objects.create(union=rich, game=Game.LOTTERY, name="1等", points=10, weight=1)
    response = member_client.post("/wellness/missions/lottery/", follow=True)

    result = page(response)
    assert "くじの結果" in result
    assert "<strong>1等</strong>" in result
    assert "10ポイント獲得しました。" in result
    assert 'href="/wellness/missions/">くじを閉じる</a>' in result
    assert balance(person) == 4 + 10


def test_one_draw_a_day_also_when_submitted_twice(member_client, rich, person, all_cleared, today):
    Prize.objects.create(union=rich, game=Game.LOTTERY, name="1等", points=10, weight=1)
    member_client.post("/wellness/missions/lottery/")
    Prize.objects.filter(union=rich).update(name="特賞", points=50)
    member_client.post("/wellness/missions/lottery/")  # double submit / back and again

    assert list(LotteryDraw.objects.values_list("date", "prize_name", "points")) == [
        (today, "1等", 10)
    ]
    assert list(
        PointEntry.objects.filter(source="missions.lottery").values_list("key", "points")
    ) == [(today.isoformat(), 10)]


def test_a_miss_is_shown_as_hazure_and_awards_nothing(member_client, rich, person, all_cleared):
    Prize.objects.create(union=rich, game=Game.LOTTERY, name="はずれ", points=0, weight=1)

    result = page(member_client.post("/wellness/missions/lottery/", follow=True))

    assert "<strong>はずれ</strong>" in result
    assert "また明日チャレンジしてください。" in result
    assert not PointEntry.objects.filter(source="missions.lottery").exists()
    assert LotteryDraw.objects.get().points == 0


def test_the_next_day_is_a_new_draw(rich, person, all_cleared, today):
    import datetime as dt

    first = services.draw_lottery(person=person, union=rich, day=today)
    tomorrow = today + dt.timedelta(days=1)
    with pytest.raises(services.MissionRefused):
        services.draw_lottery(person=person, union=rich, day=tomorrow)  # not cleared yet
    assert LotteryDraw.objects.get() == first


def test_the_unions_odds_hold_over_many_draws(rich):
    """A union's own odds (1等 1 : 2等 9 : はずれ 90) over 30,000 server-side draws, each within
    5 standard deviations."""
    Prize.objects.create(union=rich, game=Game.LOTTERY, name="1等", points=50, weight=1)
    Prize.objects.create(union=rich, game=Game.LOTTERY, name="2等", points=5, weight=9)
    Prize.objects.create(union=rich, game=Game.LOTTERY, name="はずれ", points=0, weight=90)
    Prize.objects.create(union=rich, game=Game.ROULETTE, name="10ポイント", points=10, weight=1)
    table = queries.prizes(rich, Game.LOTTERY)
    assert [prize.name for prize in table] == ["1等", "2等", "はずれ"]

    draws = 30_000
    counts = Counter(rules.draw(table).name for _ in range(draws))
    for name, share in (("1等", 0.01), ("2等", 0.09), ("はずれ", 0.90)):
        deviation = math.sqrt(draws * share * (1 - share))
        assert abs(counts[name] - draws * share) < 5 * deviation, counts


def test_another_unions_prizes_are_not_used(rich, rich_union):
    Prize.objects.create(union=rich_union, game=Game.LOTTERY, name="よその1等", points=99)
    assert "よその1等" not in {prize.name for prize in queries.prizes(rich, Game.LOTTERY)}
