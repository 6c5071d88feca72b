"""The insured member completes the 被扶養者資格調査 on a phone: pledge, guidance, STEP1-2 for
the two dependents under survey, STEP3 with the PDF list, STEP4 uploading a real PDF and a
real JPEG, each checked on the page listing what will be submitted, then 提出する."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from accounts import demo as account_demo
from dependents.models import SurveyTarget, Upload
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INCOME = "収入を証明する書類(課税(非課税)証明書)"
STUDENT = "在学証明書または学生証の写し"


@pytest.fixture
def scans(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    pdf = tmp_path / "kazei_shoumeisho.pdf"
    with pdf.open("wb") as out:
        writer.write(out)
    jpeg = tmp_path / "gakuseisho.jpg"
    Image.new("RGB", (800, 600), (240, 240, 230)).save(jpeg, "JPEG")
    return pdf, jpeg


def _answer(page, question, label):
    page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
        label, exact=True
    ).check()


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_completes_the_survey_on_a_phone(page, demo_portal, scans):
    pdf, jpeg = scans
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="被扶養者資格調査"
    ).click()

    # DEP-1: the pledge first
    expect(
        page.get_by_text("本調査への回答および提出する資料の申告内容に虚偽がない")
    ).to_be_visible()
    page.get_by_role("button", name="誓約する").click()

    # DEP-2: the survey top with its three steps
    expect(page.get_by_role("heading", name="(1)被扶養者資格調査のご案内")).to_be_visible()
    expect(page.get_by_role("heading", name="(3)審査結果の確認")).to_be_visible()
    _fits_the_phone(page)
    page.get_by_role("link", name="(1)被扶養者資格調査のご案内を確認").click()
    page.get_by_text("収入の基準", exact=True).click()
    expect(page.get_by_text(re.compile("130万円未満"))).to_be_visible()
    expect(page.get_by_text(re.compile("19歳以上23歳未満の被扶養者"))).to_be_visible()
    page.get_by_role("link", name="(2)設問の回答および必要書類の提出へ").click()

    # STEP1: the insured person's registered data
    page.get_by_role("link", name="確認", exact=True).click()
    expect(page.locator("#main").get_by_text("山田 太郎")).to_be_visible()
    page.get_by_role("button", name="確認しました").click()

    # STEP2: 山田 花子 (spouse) has an income under the limit
    page.get_by_role("link", name="次へ進む 山田 花子").click()
    expect(page.get_by_role("heading", name="基本情報確認")).to_be_visible()
    page.get_by_role("button", name="次へ進む").click()
    expect(page.get_by_text("学生ですか？")).to_have_count(0)
    _answer(page, "被扶養者は現在も組合の認定基準を満たしていますか？", "はい")
    expect(page.get_by_role("group", name=re.compile("今後1年間の収入見込額"))).to_be_hidden()
    _answer(page, "被扶養者に収入", "はい")
    page.get_by_label("今後1年間の収入見込額を入力してください。").fill("900000")
    _answer(page, "被保険者と同居していますか？", "はい")
    page.get_by_role("button", name="次へ進む").click()
    expect(page.get_by_text("山田 花子 さんの回答を保存しました。")).to_be_visible()

    # STEP2: 山田 一郎 (child) is a student
    page.get_by_role("link", name="次へ進む 山田 一郎").click()
    page.get_by_role("button", name="次へ進む").click()
    _answer(page, "被扶養者は現在も組合の認定基準を満たしていますか？", "はい")
    _answer(page, "被扶養者に収入", "いいえ")
    _answer(page, "被保険者と同居していますか？", "はい")
    _answer(page, "学生ですか？", "はい")
    page.get_by_role("button", name="次へ進む").click()
    expect(page.get_by_text("STEP3へ進んで必要書類を提出してください。")).to_have_count(2)
    _fits_the_phone(page)

    # STEP3: the documents the answers call for, and the PDF list
    page.get_by_role("link", name="必要書類確認・ダウンロード").click()
    expect(page.get_by_text(INCOME)).to_be_visible()
    expect(page.get_by_text(STUDENT)).to_be_visible()
    expect(page.get_by_role("link", name="異動届ダウンロード")).to_be_visible()
    page.get_by_role("button", name="必要書類一覧PDFダウンロード").click()
    expect(page.get_by_text("PDFのダウンロードの準備ができました。")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ダウンロード")).click()
    pdf_text = "".join(PdfReader(download.value.path()).pages[0].extract_text().split())
    assert "山田花子" in pdf_text and "在学証明書または学生証の写し" in pdf_text

    # STEP4: a real PDF for 花子, a real JPEG for 一郎, each 提出する
    page.goto(page.base_url + "/dependents/answer/")
    page.get_by_role("link", name="書類アップロード 山田 花子").click()
    page.get_by_label("提出する書類").select_option(label=INCOME)
    page.get_by_label("ファイル", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="アップロード").click()
    expect(page.get_by_text("書類をアップロードしました。")).to_be_visible()
    expect(page.get_by_role("link", name="kazei_shoumeisho.pdf")).to_be_visible()
    _fits_the_phone(page)
    page.get_by_role("link", name="提出内容を確認する").click()
    expect(page.get_by_role("heading", name="提出内容の確認")).to_be_visible()
    expect(page.get_by_role("link", name="kazei_shoumeisho.pdf")).to_be_visible()
    expect(page.get_by_text("900,000円")).to_be_visible()
    _fits_the_phone(page)
    page.get_by_role("link", name="戻る").click()  # changed their mind: nothing submitted yet
    expect(page.get_by_role("heading", name="書類アップロード")).to_be_visible()
    page.get_by_role("link", name="提出内容を確認する").click()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("山田 花子 さんの書類を提出しました。")).to_be_visible()

    page.get_by_role("link", name="書類アップロード 山田 一郎").click()
    page.get_by_label("提出する書類").select_option(label=STUDENT)
    page.get_by_label("ファイル", exact=True).set_input_files(str(jpeg))
    page.get_by_role("button", name="アップロード").click()
    expect(page.get_by_role("link", name="gakuseisho.jpg")).to_be_visible()
    page.get_by_role("link", name="提出内容を確認する").click()
    expect(page.get_by_text("学生ですか？")).to_be_visible()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("山田 一郎 さんの書類を提出しました。")).to_be_visible()

    page.get_by_role("link", name="被扶養者資格調査TOPへ戻る").click()
    expect(page.get_by_text("提出済み", exact=True)).to_be_visible()
    expect(page.get_by_text("審査中", exact=True)).to_be_visible()

    targets = SurveyTarget.objects.filter(person__household__number="10001")
    assert all(target.submitted_at for target in targets)
    assert sorted(Upload.objects.filter(target__in=targets).values_list("kind", flat=True)) == [
        "jpeg",
        "pdf",
    ]
