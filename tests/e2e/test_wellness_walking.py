"""歩Fes. on a phone: the demo member follows the TOP page's 「エントリー受付中」 banner, enters
with a nickname through the confirm step, creates a team (name → emblem → confirm) and gets its
team ID; then, in the demo event under way, sees the ranking and the walking map."""

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
