"""ミッション on a phone (manual §4-12, §4-14): the demo member logs in (ログインする), reads an
article from the mission's link (健康記事を読む) — the demo cleared steps and weight — then
「ポイントくじを引く」 → 「くじを引く」 → the result → 「くじを閉じる」, and from 「今日の歩数」
scratches a cell of 歩いてスクラッチ."""

import re

import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTICLE = "睡眠の質を上げる7つの習慣"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_clears_the_daily_missions_draws_the_lottery_and_scratches(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    column = page.get_by_role("complementary", name="デイリーミッション")
    expect(column.get_by_role("listitem").filter(has_text="ログインする")).to_contain_text("クリア")
    expect(column.get_by_role("listitem").filter(has_text="健康記事を読む")).to_contain_text(
        "未クリア"
    )
    expect(column.get_by_text("今月のランク: シルバー")).to_be_visible()

    column.get_by_role("link", name="健康記事を読む").click()
    page.get_by_role("searchbox", name="フリーワード検索").fill("睡眠")
    page.get_by_role("button", name="検索する").click()
    page.get_by_role("link", name=ARTICLE).click()
    expect(page.get_by_role("heading", name=ARTICLE, level=1)).to_be_visible()

    page.goto(page.base_url + "/")
    column = page.get_by_role("complementary", name="デイリーミッション")
    expect(column.get_by_text("未クリア")).to_have_count(0)
    column.get_by_role("link", name="ポイントくじを引く").click()

    expect(page.get_by_role("heading", name="ポイントくじ", level=1)).to_be_visible()
    page.get_by_role("button", name="くじを引く").click()
    expect(page.get_by_role("heading", name="くじの結果")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"ポイント獲得しました。|また明日チャレンジしてください。"))
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="くじを閉じる").click()
    expect(page.get_by_role("heading", name="ミッション", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"本日のポイントくじ: "))).to_be_visible()

    page.goto(page.base_url + "/")
    page.get_by_role("link", name=re.compile(r"^今日の歩数")).click()
    expect(page.get_by_role("heading", name="歩いてスクラッチ", level=1)).to_be_visible()
    page.get_by_role("button", name="スクラッチに挑戦").first.click()
    expect(
        page.get_by_text(re.compile(r"ヘロン君が出ました！1pt獲得しました。|はずれです。"))
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"ヘロン君|はずれ"))).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
