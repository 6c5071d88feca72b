"""A member on a phone reads the 給付金 pages and downloads the 給付金支給決定通知書 PDF."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_reads_benefit_payments_on_a_phone(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="給付金支給決定通知"
    ).click()
    subnav = page.get_by_role("navigation", name="給付金支給決定通知")
    subnav.get_by_role("link", name="最新の給付金支給総額").click()
    expect(page.get_by_text(re.compile(r"\d{4}年\d{1,2}月の給付金支給明細"))).to_be_visible()
    expect(page.get_by_text("給付金支給総額", exact=False).first).to_be_visible()

    subnav.get_by_role("link", name="過去").click()
    page.get_by_text("2024年度").click()
    page.locator('a[href="/benefits/2024/12/"]').click()
    expect(page.get_by_text("2024年12月の給付金支給明細")).to_be_visible()
    expect(page.get_by_role("cell", name="インフルエンザ予防接種補助金")).to_have_count(2)
    expect(page.get_by_role("cell", name="¥6,000")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="給付金支給決定通知書(PDF)").click()
    expect(page.get_by_text("PDFのダウンロードの準備ができました。")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ダウンロード")).click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert download.value.suggested_filename == "給付金支給決定通知書_2024年12月.pdf"
    assert "山田 太郎 様" in text and "山田 花子" in text
    assert "¥6,000" in text and "令和6年12月" in text
    assert "コスモ健康保険組合" in text

    page.goto(page.base_url + "/benefits/annual/")
    page.get_by_text("支給年月、対象者、給付種別で絞り込む").click()
    page.get_by_label("支給年月(から)").fill("2024-12")
    page.get_by_label("支給年月(まで)").fill("2024-12")
    page.get_by_label("対象者").select_option(label="山田 花子")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.get_by_text("2024/12〜2024/12の給付金支給明細")).to_be_visible()
    expect(page.get_by_role("cell", name="山田 花子")).to_have_count(1)
    expect(page.get_by_role("cell", name="山田 太郎")).to_have_count(0)


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_a_reversed_period_on_a_desktop_is_explained_and_keeps_the_choices(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.goto(page.base_url + "/benefits/annual/")
    page.get_by_text("支給年月、対象者、給付種別で絞り込む").click()
    page.get_by_label("支給年月(から)").fill("2024-12")
    page.get_by_label("支給年月(まで)").fill("2024-01")
    page.get_by_label("対象者").select_option(label="山田 花子")
    page.get_by_role("button", name="絞り込む").click()

    expect(
        page.get_by_text("「まで」は「から」以降の年月を指定してください。").first
    ).to_be_visible()
    expect(page.get_by_label("支給年月(から)")).to_have_value("2024-12")
    expect(page.get_by_label("支給年月(まで)")).to_have_value("2024-01")
    expect(page.get_by_label("対象者").locator("option:checked")).to_have_text("山田 花子")
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
