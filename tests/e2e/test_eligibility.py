"""資格情報のお知らせ on a phone (birth date → 生成中 → ready → download) and the 資格確認書
with its live clock, walked by visible labels."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import demo as account_demo
from kosmo import documents
from kosmo.celery import app as celery_app
from kosmo.models import DocumentJob
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def busy_worker():
    """Call it to have tasks wait in the queue instead of running inside the request, as with
    a busy worker; the test then plays the worker with `documents.run`."""

    def hold_tasks():
        celery_app.conf.task_always_eager = False

    yield hold_tasks
    if not celery_app.conf.task_always_eager:
        celery_app.control.purge()


def _sign_in(page):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_downloads_the_eligibility_notice_on_a_phone(page, demo_portal, busy_worker):
    _sign_in(page)
    busy_worker()
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="資格情報のお知らせ"
    ).click()
    expect(page.get_by_role("heading", name="資格情報のお知らせ")).to_be_visible()
    hanako = page.get_by_role("group", name="山田 花子 の生年月日認証")

    hanako.get_by_label("年").fill("1981")
    hanako.get_by_label("月").fill("3")
    hanako.get_by_label("日").fill("4")
    hanako.get_by_role("button", name="送信").click()
    expect(
        page.get_by_text("入力された生年月日が登録されている生年月日と一致しません。").first
    ).to_be_visible()

    hanako = page.get_by_role("group", name="山田 花子 の生年月日認証")
    hanako.get_by_label("日").fill("3")
    hanako.get_by_role("button", name="送信").click()
    row = page.get_by_role("row", name=re.compile("山田 花子"))
    expect(row.get_by_text("認証済みです。")).to_be_visible()
    expect(
        row.get_by_text("PDFが生成中です。ダウンロード準備が完了するまでしばらくお待ちください。")
    ).to_be_visible()
    page.evaluate("window.notReloaded = true")

    job = DocumentJob.objects.get(kind="eligibility_notice")
    assert documents.run(job.pk) == "ready"  # the worker's turn

    link = row.get_by_role("link", name="資格情報のお知らせダウンロードの準備ができました")
    expect(link).to_be_visible(timeout=20_000)
    assert page.evaluate("window.notReloaded === true")  # the row changed in place
    with page.expect_download() as download:
        link.click()
    text = re.sub(r"\s+", "", PdfReader(download.value.path()).pages[0].extract_text())
    assert "山田花子" in text
    assert "生年月日昭和56年3月3日" in text
    assert "被保険者氏名山田太郎" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_certificate_shows_a_live_clock(page, viewport, demo_portal):
    _sign_in(page)
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="資格確認書交付"
    ).click()
    expect(
        page.get_by_text("※スクリーンショット等の静止画像での利用はできません。")
    ).to_be_visible()

    page.clock.install(time=dt.datetime(2026, 1, 5, 6, 37, 0, tzinfo=TOKYO))
    page.get_by_role("link", name="山田 太郎 の資格確認書表示").click()
    expect(page.get_by_role("heading", name="健康保険資格確認書")).to_be_visible()
    page.clock.pause_at(dt.datetime(2026, 1, 5, 6, 37, 33, tzinfo=TOKYO))
    clock = page.get_by_label("現在日時")
    expect(clock).to_have_text("令和8年1月5日 06時37分33秒")
    page.clock.run_for(2000)
    expect(clock).to_have_text("令和8年1月5日 06時37分35秒")
    expect(page.get_by_text("昭和54年8月22日")).to_be_visible()  # 生年月日 in 和暦
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="裏面").click()
    page.get_by_role("link", name="臓器提供の意思表示").click()
    page.get_by_label("2. 私は、心臓が停止した死後に限り、移植のために臓器を提供します。").check()
    page.get_by_label("眼球").check()
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_text("入力内容確認")).to_be_visible()
    page.get_by_role("button", name="確定").click()
    expect(page.get_by_text("臓器提供の意思表示を登録しました。")).to_be_visible()
    expect(page.get_by_text("提供しなくてよい臓器: 眼球")).to_be_visible()

    page.get_by_role("link", name="戻る").click()
    page.get_by_role("link", name="山田 一郎 の資格確認書表示").click()
    expect(
        page.get_by_text("健康保険側で利用停止の手続きが行われたため、資格確認書を表示できません。")
    ).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_sends_an_address_change_on_a_phone(page, demo_portal):
    _sign_in(page)
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="資格確認書交付"
    ).click()
    page.get_by_role("link", name="山田 太郎 の資格確認書表示").click()
    page.get_by_role("link", name="裏面").click()
    page.get_by_role("link", name="住所変更").click()
    expect(page.get_by_role("heading", name="住所入力")).to_be_visible()

    page.get_by_label("郵便番号").fill("160-002")
    page.get_by_label("住所").fill("東京都新宿区西新宿3-2-1 コスモビル101")
    page.get_by_role("button", name="次へ").click()
    expect(
        page.get_by_text("郵便番号は7桁の数字で入力してください(例: 160-0023)。").first
    ).to_be_visible()
    expect(page.get_by_label("住所")).to_have_value("東京都新宿区西新宿3-2-1 コスモビル101")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("郵便番号").fill("〒160−0023")
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_role("heading", name="入力内容確認")).to_be_visible()
    expect(page.get_by_text("160-0023", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="確定").click()
    expect(
        page.get_by_text("住所変更を受け付けました。健康保険組合で確認のうえ反映します。")
    ).to_be_visible()
    expect(page.get_by_text("〒160-0023 東京都新宿区西新宿3-2-1 コスモビル101")).to_be_visible()
