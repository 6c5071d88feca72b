"""MY HEALTH CLUB on a phone (manual §4-9): from the TOP page's 「もっと見る」, a free-word search
for 「睡眠」, the article, its heart, and the article in お気に入り."""

import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTICLE = "睡眠の質を上げる7つの習慣"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_searches_an_article_and_favourites_it_on_a_phone(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    block = page.get_by_role("region", name="健康情報 MY HEALTH CLUB")
    block.get_by_role("link", name="もっと見る").click()
    expect(page.get_by_role("heading", name="健康情報 MY HEALTH CLUB", level=1)).to_be_visible()

    page.get_by_role("searchbox", name="フリーワード検索").fill("睡眠")
    page.get_by_role("button", name="検索する").click()
    expect(page.get_by_role("heading", name="「睡眠」の検索結果 4件")).to_be_visible()
    page.get_by_role("link", name=ARTICLE).click()

    expect(page.get_by_role("heading", name=ARTICLE, level=1)).to_be_visible()
    page.get_by_role("button", name=f"お気に入りに登録する: {ARTICLE}").click()
    expect(page.get_by_text("お気に入りに登録しました。")).to_be_visible()
    expect(page.get_by_role("button", name=f"お気に入りから削除する: {ARTICLE}")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="お気に入り", exact=True).click()
    expect(page.get_by_role("heading", name="お気に入り", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=ARTICLE)).to_be_visible()
