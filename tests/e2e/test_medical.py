"""A member on a phone reads the medical pages and downloads the 医療費明細 PDF."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_reads_medical_pages_on_a_phone(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="医療費情報"
    ).click()
    page.get_by_role("link", name="最新の自己負担額").click()
    expect(page.get_by_text(re.compile(r"\d{4}年\d{1,2}月の医療費明細"))).to_be_visible()
    expect(page.get_by_text("あなたが支払った額")).to_be_visible()

    page.get_by_role("link", name="過去").click()
    page.get_by_text("2024年度").click()
    page.locator('a[href="/medical/2025/3/"]').click()
    expect(page.get_by_text("2025年3月の医療費明細")).to_be_visible()
    expect(page.get_by_role("cell", name="¥27,120")).to_be_visible()

    page.get_by_role("link", name="年間").click()
    page.get_by_text("診療年月・受診者で絞り込む").click()
    page.get_by_label("診療年月(から)").fill("2025-03")
    page.get_by_label("診療年月(まで)").fill("2025-03")
    page.get_by_label("受診者").select_option(label="山田 花子")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.get_by_role("cell", name="パドコ歯科")).to_be_visible()
    expect(page.get_by_role("cell", name="サンプルクリニック")).to_have_count(0)

    page.get_by_role("button", name="医療費明細 (PDF)").click()
    expect(page.get_by_text("PDFのダウンロードの準備ができました。")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ダウンロード")).click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert "パドコ歯科" in text

    page.goto(page.base_url + "/medical/")
    page.get_by_role("link", name="医療費控除申請用データ (e-Tax)").click()
    page.get_by_label("発行対象年").select_option("2025")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_text("2025年分の医療費明細")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="XMLデータダウンロード").click()
    assert download.value.suggested_filename == "医療費通知データ_2025年.xml"
    with open(download.value.path(), "rb") as xml:
        assert b"<TEG700" in xml.read()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_past_page_filters_and_the_month_column_stays_on_a_phone(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.goto(page.base_url + "/medical/past/")
    page.get_by_text("診療年月・受診者で絞り込む").click()
    page.get_by_label("診療年月(から)").fill("2025-03")
    page.get_by_label("診療年月(まで)").fill("2025-03")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.get_by_text("2025/03〜2025/03の医療費明細")).to_be_visible()

    scroller = page.locator(".table-scroll").filter(has=page.locator("table.claims"))
    scroller.evaluate("region => { region.scrollLeft = region.scrollWidth; }")
    assert scroller.evaluate("region => region.scrollLeft") > 0
    month = page.locator("table.claims tbody td").first
    expect(month).to_have_text("2025/03")
    box, frame = month.bounding_box(), scroller.bounding_box()
    assert frame["x"] <= box["x"] <= frame["x"] + 1 and box["x"] + box["width"] <= 390
