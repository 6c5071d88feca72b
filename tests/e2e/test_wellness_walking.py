"""歩Fes. on a phone: the demo member follows the TOP page's 「エントリー受付中」 banner, enters
with a nickname through the confirm step, creates a team (name → emblem → confirm) and gets its
team ID; then, in the demo event under way, sees the ranking and the walking map."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code
from wellness.walking import demo as walking_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_enters_creates_a_team_and_sees_ranking_and_map_on_a_phone(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.get_by_role("link", name=re.compile(f"エントリー受付中.*{walking_demo.UPCOMING}")).click()

    expect(page.get_by_role("heading", name=walking_demo.UPCOMING)).to_be_visible()
    page.get_by_role("link", name="エントリーする").click()
    page.get_by_label("ニックネーム").fill("あるくたろう")
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_text("内容を確認して「エントリーする」を押してください。")).to_be_visible()
    page.get_by_role("button", name="エントリーする").click()
    expect(
        page.get_by_text("ウォーキングイベント(個人戦)へのエントリーが完了しました。")
    ).to_be_visible()

    page.get_by_role("link", name="新たにチームを作成").click()
    page.get_by_label("チーム名").fill("山田ファミリー")
    page.get_by_role("button", name="次へ").click()
    page.get_by_label("星").check()
    page.get_by_role("button", name="決定").click()
    page.get_by_role("button", name="チームを作成する").click()
    expect(page.get_by_role("heading", name="チーム詳細")).to_be_visible()
    expect(page.get_by_text("山田ファミリー")).to_be_visible()
    code = page.locator(".walking-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    expect(page.get_by_text(f"チームID「{code}」を共有して", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The event under way: ranking and map.
    page.goto(f"{page.base_url}/wellness/walking/")
    page.get_by_role("link", name=walking_demo.ACTIVE).click()
    page.get_by_role("navigation", name="ウォーキングイベントのメニュー").get_by_role(
        "link", name="ランキング"
    ).click()
    expect(page.get_by_role("heading", name="ランキング")).to_be_visible()
    expect(page.get_by_text(re.compile(r"あなたの順位: \d位"))).to_be_visible()
    expect(page.get_by_role("cell", name="たろう")).to_be_visible()
    page.get_by_role("link", name="チーム", exact=True).click()
    expect(page.get_by_role("cell", name=re.compile("チーム山田"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("navigation", name="ウォーキングイベントのメニュー").get_by_role(
        "link", name="ウォーキングマップ"
    ).click()
    expect(page.get_by_role("img", name="ウォーキングマップ")).to_be_visible()
    expect(page.get_by_text(re.compile(r"km / 99\.10 km"))).to_be_visible()
    expect(page.get_by_text("日本橋 (0.00 km) — 到達")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _enter_upcoming_event(page, nickname):
    page.goto(f"{page.base_url}/wellness/walking/")
    page.get_by_role("link", name=walking_demo.UPCOMING).click()
    page.get_by_role("link", name="エントリーする").click()
    page.get_by_label("ニックネーム").fill(nickname)
    page.get_by_role("button", name="次へ").click()
    page.get_by_role("button", name="エントリーする").click()
    expect(
        page.get_by_text("ウォーキングイベント(個人戦)へのエントリーが完了しました。")
    ).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_second_member_joins_the_team_by_its_id_and_both_are_ranked_on_a_phone(
    page, browser, demo_portal
):
    """山田 太郎 creates a team; 佐藤 健, in his own browser, joins it with the チームID shown
    to 太郎; once the event is under way and the scheduled task has ranked it, both see the
    team (2 members) in the team ranking and each other's nickname and steps."""
    from django.core import mail

    from tests.e2e.conftest import VIEWPORTS
    from wellness.walking import queries, tasks
    from wellness.walking.models import WalkingEvent

    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    _enter_upcoming_event(page, "あるくたろう")
    page.get_by_role("link", name="新たにチームを作成").click()
    page.get_by_label("チーム名").fill("山田ファミリー")
    page.get_by_role("button", name="次へ").click()
    page.get_by_label("星").check()
    page.get_by_role("button", name="決定").click()
    page.get_by_role("button", name="チームを作成する").click()
    code = page.locator(".walking-code").inner_text()

    # 佐藤 健, in his own browser, with the team ID 太郎 shared.
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", **VIEWPORTS["phone"])
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.base_url = page.base_url
    mail.outbox.clear()
    sign_in_with_email_code(other, "sato_ken", account_demo.DEMO_PASSWORD, "sato.ken@example.jp")
    _enter_upcoming_event(other, "けんさん")
    other.get_by_role("link", name="既存のチームに参加").click()
    other.get_by_label("チームID").fill(code.lower())
    other.get_by_role("button", name="検索").click()
    expect(other.get_by_role("heading", name=re.compile("山田ファミリー"))).to_be_visible()
    expect(other.get_by_text("1人 / 5人")).to_be_visible()
    other.get_by_role("button", name="参加する").click()
    expect(other.get_by_text("チーム「山田ファミリー」に参加しました。")).to_be_visible()
    expect(other.get_by_role("heading", name="チーム詳細")).to_be_visible()
    expect(other.get_by_text("2人 / 5人")).to_be_visible()
    assert other.evaluate("document.documentElement.scrollWidth") <= 390

    # Before the event starts the scheduled task does not rank it.
    page.get_by_role("navigation", name="ウォーキングイベントのメニュー").get_by_role(
        "link", name="ランキング"
    ).click()
    expect(page.get_by_text("ランキングは集計中です。")).to_be_visible()

    # The event starts (its days now include the past ten, on which the demo recorded steps)
    # and the beat task "walking-refresh-rankings" runs.
    today = queries.today()
    WalkingEvent.objects.filter(union__slug="kosmo", title=walking_demo.UPCOMING).update(
        start_on=today - dt.timedelta(days=10), end_on=today + dt.timedelta(days=20)
    )
    assert tasks.refresh_rankings() == 2

    page.reload()
    expect(page.get_by_role("cell", name="あるくたろう")).to_be_visible()
    expect(page.get_by_role("cell", name="けんさん")).to_be_visible()
    page.get_by_role("link", name="チーム", exact=True).click()
    expect(page.get_by_text(re.compile(r"チームの順位: 1位 \([\d,]+歩\)"))).to_be_visible()
    team_row = page.get_by_role("row", name=re.compile("山田ファミリー"))
    expect(team_row.get_by_role("cell", name="1位")).to_be_visible()
    expect(team_row.get_by_role("cell", name="2", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    other.goto(other.url)
    members = other.get_by_role("region", name="メンバー")
    expect(members.get_by_text(re.compile(r"あるくたろう [\d,]+歩"))).to_be_visible()
    expect(members.get_by_text(re.compile(r"けんさん \(あなた\) [\d,]+歩"))).to_be_visible()
    expect(other.get_by_text(re.compile(r"1位 \([\d,]+歩\)"))).to_be_visible()
    context.close()
