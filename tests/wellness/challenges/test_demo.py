"""`seed_demo`'s challenges: stages for the rich kosmo, challenges under way for 山田 太郎 and
花子 whose progress adds up, nothing on the standard sakura; safe to run again."""

from accounts import demo as account_demo
from accounts.models import User
from kosmo import demo as kosmo_demo
from kosmo.models import Person
from mfa import demo as mfa_demo
from wellness.challenges import demo, queries
from wellness.challenges.models import Challenge, ChallengeDay, PresetChallenge, Stage


def test_demo_gives_kosmo_stages_and_yamadas_challenges_and_sakura_nothing(db):
    unions = kosmo_demo.seed()
    demo.seed(unions)
    demo.seed(unions)  # again: refreshed, not duplicated

    kosmo, sakura = unions["kosmo"], unions["sakura"]
    assert Stage.objects.filter(union=kosmo).count() == 3
    assert PresetChallenge.objects.filter(stage__union=kosmo).count() == 9
    assert not Stage.objects.filter(union=sakura).exists()
    assert not Challenge.objects.filter(person__household__union=sakura).exists()

    taro = Person.objects.get(household__union=kosmo, family_name="山田", given_name="太郎")
    today = queries.today()
    current, ended = queries.challenge_lists(taro, today)
    assert [listed.challenge.title for listed in current] == [
        "1日8,000歩歩く",
        "週に2日は休肝日をつくる",
        "毎朝ストレッチをする",
    ]
    assert [listed.challenge.title for listed in ended] == ["エレベーターより階段を使う"]
    walk = current[0]
    # 20 days before today: 16 ○, 3 ×, one left blank; today is the visitor's to mark.
    assert (walk.progress.achieved, walk.progress.so_far, walk.progress.total) == (16, 21, 30)
    assert walk.challenge.preset.title == "1日8,000歩歩く"
    assert current[2].challenge.preset is None  # 自分で作成したチャレンジ
    assert not ChallengeDay.objects.filter(date__gte=today).exists()
    assert ChallengeDay.objects.filter(challenge__person=taro).count() == 19 + 9 + 4 + 29
    assert Challenge.objects.filter(person__given_name="花子").count() == 1


def test_sakura_demo_member_gets_the_unavailable_page(client, db):
    unions = kosmo_demo.seed()
    account_demo.seed(unions)
    mfa_demo.seed(unions)  # the demo accounts' second factor: no setup step in the way
    demo.seed(unions)
    client.force_login(User.objects.get(username="tanaka_ichiro"))

    response = client.get("/wellness/challenges/", HTTP_HOST="sakura.localhost")
    home = client.get("/", HTTP_HOST="sakura.localhost").content.decode()

    assert response.status_code == 404
    assert "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。" in (
        response.content.decode()
    )
    assert 'data-feature="challenges"' not in home
