"""The TOP page's columns (manual chapter 4, §4-12 … §4-16): on a desktop the ミッション block
(デイリーミッション, 「今月のランク」, 「今日の歩数」 → 歩いてスクラッチ, MYポイント) is a right
column beside the service menu; on a phone it follows the menu in one column; the standard
union (no ミッション) keeps one full-width column. Screenshots go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _box(locator):
    return locator.bounding_box()


def _sign_in(page, viewport, user_id, address):
    if viewport == "desktop":
        page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_email_code(page, user_id, account_demo.DEMO_PASSWORD, address)
    expect(page.get_by_role("heading", name="サービスメニュー")).to_be_visible()


def test_rich_union_missions_are_the_right_column_on_a_desktop(page, viewport, demo_portal):
    _sign_in(page, viewport, "yamada_taro", "yamada.taro@example.jp")
    column = page.get_by_role("complementary", name="デイリーミッション")
    expect(column.get_by_text("今月のランク")).to_be_visible()
    expect(column.get_by_role("link", name="今日の歩数")).to_be_visible()
    expect(column.get_by_text("MYポイント")).to_be_visible()
    menu = _box(page.locator(".service-grid"))
    records = _box(page.get_by_role("region", name="日々の記録"))
    side = _box(column)

    if viewport == "desktop":
        assert side["x"] >= menu["x"] + menu["width"]  # beside the menu, on its right
        assert side["y"] < menu["y"] + menu["height"]  # from the top, not below it
        assert records["x"] == menu["x"]  # the other blocks stay in the left column
    else:
        assert side["y"] >= menu["y"] + menu["height"]  # below the menu
        assert records["y"] >= side["y"] + side["height"]  # then the other blocks
        assert abs(side["width"] - menu["width"]) <= 1  # one full-width column
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"top-kosmo-{viewport}.png"), full_page=True)


def test_standard_union_has_one_full_width_column(page, viewport, demo_hosts):
    page.base_url = demo_hosts["sakura"]
    _sign_in(page, viewport, "tanaka_ichiro", "tanaka.ichiro@example.jp")

    expect(page.get_by_role("complementary", name="デイリーミッション")).to_have_count(0)
    menu = _box(page.locator(".service-grid"))
    layout = _box(page.locator(".top-layout"))
    assert abs(menu["width"] - layout["width"]) <= 1  # no empty right column
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"top-sakura-{viewport}.png"), full_page=True)
