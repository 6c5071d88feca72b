"""A member opens the portal, signs in and finds the service menu, on a phone and a desktop."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from kosmo.models import Union
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(settings):
    # One gated page per service, so the menu has entries while the services are being built.
    settings.ROOT_URLCONF = "tests.feature_urls"
    union = factories.UnionFactory(name="コスモ健康保険組合", tier=Union.ContractTier.STANDARD)
    union.set_enabled_features({"medical", "benefits"})
    union.save()
    factories.UserFactory(username="yamada_taro", person__household__union=union)
    return union


def sign_in(page):
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="ログイン").first.click()
    page.get_by_label("ユーザID").fill("yamada_taro")
    page.get_by_label("パスワード", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_text("受信したワンタイムパスワードを入力してください。")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.get_by_label("ワンタイムパスワード").fill(code)
    page.get_by_role("button", name="トップページへ").click()


def test_member_signs_in_and_finds_the_services(page, viewport, portal):
    sign_in(page)

    expect(page.get_by_role("link", name="山田 太郎")).to_be_visible()
    tiles = page.get_by_role("region", name="サービスメニュー")
    expect(tiles.get_by_role("link")).to_have_count(2)
    expect(tiles.get_by_role("link", name="医療費情報", exact=True)).to_be_visible()
    expect(tiles.get_by_role("link", name="給付金支給決定通知", exact=True)).to_be_visible()
    menu = page.get_by_role("navigation", name="サービスメニュー")
    toggle = page.get_by_role("button", name="メニュー")
    if viewport == "phone":
        expect(menu).to_be_hidden()
        toggle.click()
        expect(menu).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
    else:
        expect(toggle).to_be_hidden()
        expect(menu).to_be_visible()
    menu_or_tiles = page.get_by_role("link", name="医療費情報").first
    if viewport == "phone":
        toggle.click()
    menu_or_tiles.click()
    expect(page.get_by_role("heading", name="医療費情報", exact=True)).to_be_visible()


def test_a_service_outside_the_contract_shows_the_manuals_message(page, portal):
    sign_in(page)

    page.goto(page.base_url + "/checkup/")  # not in this union's contract

    expect(
        page.get_by_text(
            "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。"
        )
    ).to_be_visible()


def test_page_fits_the_phone_without_sideways_scrolling(page, viewport, portal):
    sign_in(page)

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
