"""The demo member reads the rich checkup page on a phone and the standard table on a desktop,
with its red cells, and downloads the 健診結果一覧表 PDF."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RED = "rgb(253, 236, 234)"  # portal.css --danger-bg


def _sign_in(page):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )


def _menu_link(page, name):
    return page.get_by_role("region", name="サービスメニュー").get_by_role("link", name=name)


def _expect_red_cells(page):
    red = page.locator("td.checkup-cell--out")
    expect(red.first).to_be_visible()
    assert red.count() >= 5
    assert red.first.evaluate("cell => getComputedStyle(cell).backgroundColor") == RED
    # Not colour alone: each red cell says which side of the reference it is on.
    expect(red.first.locator(".checkup-flag")).to_have_text(re.compile("[▲▼]"))
    sbp = page.get_by_role("row", name=re.compile("^収縮期血圧"))
    expect(sbp.locator("td.checkup-cell--out").first).to_contain_text("142")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_reads_the_rich_checkup_on_a_phone(page, demo_portal):
    _sign_in(page)
    _menu_link(page, "健診結果(リッチ版)").click()

    expect(page.get_by_role("heading", name="総合評価")).to_be_visible()
    expect(page.locator(".checkup-overall .checkup-letter")).to_have_text("C")
    expect(
        page.get_by_text("最新の健診結果データに基づき、再検査や生活習慣の改善が必要です")
    ).to_be_visible()
    expect(page.get_by_text("基準該当")).to_be_visible()
    expect(page.get_by_text("積極的支援")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="健診数値改善メニューを見る").click()
    page.get_by_role("link", name=re.compile("医療機関を受診する")).click()
    expect(page.get_by_role("cell", name="142 mmHg")).to_be_visible()
    page.get_by_role("link", name="健診数値改善メニューへ戻る").click()
    page.get_by_role("link", name=re.compile("生活習慣改善コラムを読む")).click()
    page.get_by_role("link", name="コラムを読む: 塩分を控えて血圧を下げる").click()
    expect(page.get_by_role("heading", name="塩分を控えて血圧を下げる")).to_be_visible()

    page.goto(page.base_url + "/checkup/rich/")
    page.get_by_role("link", name="健診結果を詳しく見る").click()
    _expect_red_cells(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_member_reads_the_standard_table_on_a_desktop(page, demo_portal):
    _sign_in(page)
    _menu_link(page, "健診結果情報").click()

    expect(page.get_by_role("heading", name="健診結果一覧表（山田 太郎）")).to_be_visible()
    heads = page.locator("thead th.num")
    expect(heads).to_have_count(5)
    years = [int(text[:4]) for text in heads.all_inner_texts()]
    assert years == sorted(years, reverse=True)
    _expect_red_cells(page)

    page.get_by_role("link", name="LDLコレステロール").click()
    expect(page.get_by_role("heading", name="経年グラフ（山田 太郎）")).to_be_visible()
    expect(page.locator("svg circle")).to_have_count(5)
    expect(page.get_by_role("heading", name="将来の疾病リスク")).to_be_visible()
    page.get_by_role("link", name="健診結果一覧表へ戻る").click()

    page.get_by_label("受診者").select_option(label="山田 花子")
    page.get_by_role("button", name="表示する").click()
    expect(page.get_by_role("heading", name="健診結果一覧表（山田 花子）")).to_be_visible()
    page.get_by_label("受診者").select_option(label="山田 太郎")
    page.get_by_role("button", name="表示する").click()

    page.get_by_role("button", name="健診結果一覧表(PDFダウンロード)").click()
    expect(page.get_by_text("PDFのダウンロードの準備ができました。")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ダウンロード")).click()
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "山田 太郎" in text or "山田太郎" in text.replace(" ", "")
    assert "142 H" in text or "142H" in text.replace(" ", "")
    assert re.search(r"令和\d+年6月\d+日", text.replace(" ", ""))


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_household_member_stays_chosen_and_the_item_page_fits_a_phone(page, demo_portal):
    _sign_in(page)
    page.goto(page.base_url + "/checkup/rich/")
    page.get_by_label("受診者").select_option(label="山田 花子")
    page.get_by_role("button", name="表示する").click()
    expect(page.get_by_text(re.compile("山田 花子さんの"))).to_be_visible()

    page.get_by_role("link", name="健診数値改善メニューを見る").click()
    page.get_by_role("link", name=re.compile("医療機関を受診する")).click()
    expect(page.get_by_label("受診者").locator("option:checked")).to_have_text("山田 花子")

    page.goto(page.base_url + "/checkup/items/ldl/")
    expect(page.get_by_role("heading", name="経年グラフ（山田 太郎）")).to_be_visible()
    expect(page.locator("svg circle").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def _within_screen(box: dict, page) -> bool:
    size = page.viewport_size
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_latest_result_is_on_a_phones_first_screen_and_the_item_column_stays(page, demo_portal):
    _sign_in(page)
    _menu_link(page, "健診結果情報").click()
    table = page.get_by_role("region", name="健診結果一覧表")
    table.evaluate("region => region.scrollIntoView({block: 'start'})")

    sbp = table.get_by_role("row", name=re.compile("^収縮期血圧"))
    latest = sbp.locator("td.checkup-cell").first
    expect(latest).to_contain_text("142")
    assert _within_screen(_box(latest), page)

    table.evaluate("region => { region.scrollLeft = region.scrollWidth; }")
    assert table.evaluate("region => region.scrollLeft") > 0
    item = _box(sbp.get_by_role("rowheader"))
    assert _within_screen(item, page)
    assert item["x"] <= _box(table)["x"] + 1
    expect(sbp.get_by_role("rowheader")).to_have_text("収縮期血圧")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_rich_checkup_tile_opens_the_item_that_set_its_grade(page, demo_portal):
    _sign_in(page)
    _menu_link(page, "健診結果(リッチ版)").click()

    tile = page.get_by_role("link", name=re.compile("^肥満"))
    expect(tile).to_contain_text("C")
    tile.click()

    expect(page.get_by_role("heading", name="腹囲", exact=True)).to_be_visible()
