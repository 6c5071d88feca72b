"""`seed_demo`'s missions: daily and bonus missions for the rich kosmo, and for 山田 太郎 two of
today's missions cleared (their points in MYポイント), a rank and a card with coins; nothing on
the standard sakura; safe to run again."""

from accounts import demo as account_demo
from accounts.models import User
from kosmo import demo as kosmo_demo
from kosmo.models import Person
from mfa import demo as mfa_demo
from wellness.missions import demo, queries, services
from wellness.missions.models import (
    Activity,
    BonusMission,
    DailyClear,
    DailyMission,
    MonthlyRank,
    Rank,
    ScratchCard,
)
from wellness.points.models import PointEntry
from wellness.records import demo as records_demo


def test_demo_gives_kosmo_missions_and_taro_a_day_under_way_and_sakura_nothing(db):
    unions = kosmo_demo.seed()
    account_demo.seed(unions)  # records are made for members with an account
    records_demo.seed(unions)
    demo.seed(unions)
    demo.seed(unions)  # again: refreshed, not duplicated

    kosmo, sakura = unions["kosmo"], unions["sakura"]
    assert DailyMission.objects.filter(union=kosmo).count() == 4
    assert BonusMission.objects.filter(union=kosmo).count() == 3
    assert not DailyMission.objects.filter(union=sakura).exists()
    assert not Activity.objects.filter(person__household__union=sakura).exists()

    taro = Person.objects.get(household__union=kosmo, family_name="山田", given_name="太郎")
    today = services.today()
    rows = queries.daily_missions(taro, kosmo, today)
    assert {row.mission.title: row.cleared for row in rows} == {
        "ログインする": False,
        "歩数を記録する": True,
        "体重を記録する": True,
        "健康記事を読む": False,
    }
    assert DailyClear.objects.filter(person=taro).count() == 2
    # The two clears' points are in the ledger once, also after the second seed.
    assert PointEntry.objects.filter(person=taro, source="missions.daily").count() == 2
    assert MonthlyRank.objects.get(person=taro).rank == Rank.SILVER
    view = queries.card_view(taro, today)
    assert view.coins >= 1
    assert view.remaining == view.coins
    assert ScratchCard.objects.filter(person=taro).count() == 1


def test_sakura_demo_member_gets_the_unavailable_page(client, db):
    unions = kosmo_demo.seed()
    account_demo.seed(unions)
    mfa_demo.seed(unions)
    demo.seed(unions)
    client.force_login(User.objects.get(username="tanaka_ichiro"))

    response = client.get("/wellness/missions/", HTTP_HOST="sakura.localhost")

    assert "この機能はご利用いただけません" in response.content.decode()
