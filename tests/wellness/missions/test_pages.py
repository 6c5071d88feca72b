"""The ミッション pages and the TOP page's right column: what they show, and who may see them."""

import datetime as dt

import pytest

from kosmo.models import Union
from tests.factories import StaffFactory
from wellness.missions import services
from wellness.missions.models import Action, BonusMission, MonthlyRank, Rank
from wellness.points.services import award


def text(response) -> str:
    return response.content.decode()


def test_missions_page_shows_bonus_missions_with_progress_and_the_daily_state(
    member_client, rich, person, daily, today
):
    BonusMission.objects.create(
        union=rich,
        kind=BonusMission.Kind.ANNUAL,
        title="1年間で150日ログインしよう",
        action=Action.LOGIN,
        target=150,
        points=100,
        start_on=today - dt.timedelta(days=30),
        end_on=today + dt.timedelta(days=300),
    )
    for offset in range(3):
        services.record_activity(
            person=person, action=Action.LOGIN, on=today - dt.timedelta(days=offset)
        )

    page = text(member_client.get("/wellness/missions/"))

    assert "ボーナスミッション" in page
    assert "年間ミッション" in page
    assert "1年間で150日ログインしよう" in page
    assert "達成状況: 3 / 150(達成で 100pt)" in page
    assert 'ログインする</span>\n    <span class="mission-item__state">クリア' in page
    assert "体重を記録する" in page
    assert "未クリア" in page
    assert "すべてのデイリーミッションをクリアすると「ポイントくじ」を引くことができます。" in page
    assert "ポイントくじを引く" not in page.replace("「ポイントくじ」", "")


def test_missions_link_to_the_feature_pages(member_client, rich, daily):
    rich.feature_overrides = {"health_club": True, "daily_records": True}
    rich.save()

    page = text(member_client.get("/wellness/missions/"))

    assert '<a href="/wellness/records/">歩数を記録する</a>' in page
    assert '<a href="/wellness/club/">健康記事を読む</a>' in page


def test_top_page_right_column_shows_missions_rank_steps_and_points(
    member_client, rich, person, daily, today
):
    services.record_activity(person=person, action=Action.LOGIN, on=today)
    MonthlyRank.objects.create(
        person=person, month=today.replace(day=1), rank=Rank.GOLD, login_days=12
    )
    award(person, points=40, source="test", key="1", reason="テスト")

    page = text(member_client.get("/"))

    assert "デイリーミッション" in page
    assert "今月のランク: <strong>ゴールド</strong>" in page
    assert 'href="/wellness/missions/scratch/">今日の歩数: まだ記録がありません。' in page
    # 40 + the login mission's 1 pt
    assert "MYポイント: <strong>41</strong> pt" in page


def test_top_page_hides_the_balance_without_the_points_contract(member_client, rich, daily):
    rich.feature_overrides = {"points": False}
    rich.save()

    page = text(member_client.get("/"))

    assert "今月のランク" in page
    assert "MYポイント:" not in page


def test_top_page_of_a_standard_union_has_no_missions(member_client, union):
    page = text(member_client.get("/"))
    assert "デイリーミッション" not in page
    assert "今月のランク" not in page


def test_monthly_page_shows_this_months_rank_and_the_thresholds(member_client, rich, person, today):
    MonthlyRank.objects.create(
        person=person, month=today.replace(day=1), rank=Rank.SILVER, login_days=7
    )
    services.record_activity(person=person, action=Action.LOGIN, on=today)

    page = text(member_client.get("/wellness/missions/monthly/"))

    assert "マンスリーミッション" in page
    assert '<p class="mission-rank mission-rank--silver"><strong>シルバー</strong></p>' in page
    assert "今月のログイン日数: 1日" in page
    assert "このままだと来月のランクは ブロンズ です。" in page
    assert '<th scope="row">プラチナ</th><td>20日以上</td>' in page


@pytest.mark.parametrize(
    "path",
    [
        "/wellness/missions/",
        "/wellness/missions/lottery/",
        "/wellness/missions/monthly/",
        "/wellness/missions/scratch/",
    ],
)
def test_a_standard_union_gets_the_unavailable_page(member_client, union, path):
    response = member_client.get(path)
    assert "この機能はご利用いただけません" in text(response)


@pytest.mark.parametrize(
    "path", ["/wellness/missions/lottery/", "/wellness/missions/scratch/cell/"]
)
def test_a_standard_union_cannot_draw_or_scratch(member_client, union, person, path):
    response = member_client.post(path, {"cell": "0"})
    assert "この機能はご利用いただけません" in text(response)
    from wellness.missions.models import LotteryDraw, ScratchCard

    assert not LotteryDraw.objects.exists()
    assert not ScratchCard.objects.exists()


def test_visitors_are_sent_to_the_login_page(client, rich):
    response = client.get("/wellness/missions/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_staff_accounts_get_the_members_only_page(client, rich):
    client.force_login(StaffFactory(union=rich))
    assert client.get("/wellness/missions/").status_code == 403


def test_a_member_of_another_union_on_this_host_is_not_served(client, rich, other_union_member):
    client.force_login(other_union_member)
    response = client.get("/wellness/missions/")
    assert response.status_code in (302, 403, 404)
    assert "デイリーミッション" not in text(response)


def test_the_gate_is_per_union_not_per_tier(member_client, rich):
    rich.feature_overrides = {"missions": False}
    rich.save()
    assert rich.tier == Union.ContractTier.RICH
    assert "この機能はご利用いただけません" in text(member_client.get("/wellness/missions/"))
