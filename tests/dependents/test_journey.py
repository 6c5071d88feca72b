"""The insured member's whole journey (manual §4-17) for a household with two dependents:
pledge, STEP1-4, staff results, additional documents and the MY mail."""

import io

from django.utils import timezone
from pypdf import PdfReader

from dependents import services
from dependents.models import HouseholdResponse, SurveyTarget, TargetEvent, Upload
from kosmo.models import DocumentJob
from notices.models import Message
from tests.dependents.conftest import image_bytes, pdf_bytes, upload_file
from tests.dependents.steps import (
    SPOUSE_ANSWERS,
    answer,
    answer_all,
    pledge,
    submit,
    upload,
)

INCOME = "収入を証明する書類(課税(非課税)証明書)"
PAYSLIPS = "給与明細書(直近3か月分)の写し"
STUDENT = "在学証明書または学生証の写し"

PLEDGE = "本調査への回答および提出する資料の申告内容に虚偽がないことを誓約いたします。"
ANSWER_FIRST = (
    "STEP1-2に回答してください。すべての対象者への回答完了後にSTEP3へ進むことができます。"
)
UPLOAD_MORE = (
    "STEP4へ進んで追加必要書類をアップロードして「提出する」ボタンをクリックしてください。"
)
MISSING = "アップロードされていない必要書類があります: "

SURVEY_PAGES = [
    "/dependents/guide/",
    "/dependents/answer/",
    "/dependents/answer/insured/",
    "/dependents/documents/",
    "/dependents/results/",
]


def text(response) -> str:
    return response.content.decode()


def test_the_pledge_comes_before_anything_else(member_client, survey, spouse_target):
    top = member_client.get("/dependents/")

    assert PLEDGE in text(top)
    assert "誓約する" in text(top) and "誓約しない" in text(top)
    for url in [*SURVEY_PAGES, f"/dependents/answer/{spouse_target.pk}/basic/"]:
        response = member_client.get(url)
        assert response.status_code == 302 and response.url == "/dependents/", url
    assert member_client.post("/dependents/answer/insured/").url == "/dependents/"
    assert HouseholdResponse.objects.get().insured_confirmed_at is None


def test_declining_the_pledge_is_recorded_and_leads_back_to_the_top_page(member_client, survey):
    response = member_client.post("/dependents/pledge/", {"answer": "disagree"}, follow=True)

    household_response = HouseholdResponse.objects.get()
    assert household_response.declined_at is not None
    assert household_response.pledged_at is None
    assert response.redirect_chain[-1][0] == "/"
    assert "誓約いただけない場合、被扶養者資格調査にご回答いただけません。" in text(response)
    assert "誓約する" in text(member_client.get("/dependents/"))


def test_pledging_records_the_time_and_opens_the_survey_top(member_client, survey):
    before = timezone.now()
    response = pledge(member_client)
    top = member_client.get(response.url)

    assert HouseholdResponse.objects.get().pledged_at >= before
    for label in [
        "(1)被扶養者資格調査のご案内",
        "(2)設問の回答および必要書類の提出",
        "(3)審査結果の確認",
        "必ず初めにご確認をお願いします",
        "設問へ回答してください",
        "※設問への回答後、審査期間を経て確認可能となります。",
    ]:
        assert label in text(top)
    assert "未確認" in text(top) and "未回答" in text(top)
    assert survey.union.contact_phone in text(top)


def test_a_dependents_account_is_told_that_the_insured_person_answers(client, dependent, survey):
    client.force_login(dependent)

    top = client.get("/dependents/")
    guide = client.get("/dependents/guide/")
    pledged = client.post("/dependents/pledge/", {"answer": "agree"})

    assert "被扶養者資格調査へのご回答は、被保険者の方のみ行うことができます。" in text(top)
    assert guide.status_code == 403 and pledged.status_code == 403
    assert not HouseholdResponse.objects.filter(pledged_at__isnull=False).exists()


def test_guidance_shows_the_criteria_behind_expanders_and_counts_as_read(member_client, survey):
    pledge(member_client)
    guide = member_client.get("/dependents/guide/")
    top = member_client.get("/dependents/")

    assert "被扶養者の認定基準" in text(guide)
    assert "<summary>" in text(guide) and "収入の基準" in text(guide)
    assert "130万円未満" in text(guide)
    assert "確認済み" in text(top)


def test_step1_shows_the_registered_insured_data_read_only_with_the_contact_route(
    member_client, survey, insured
):
    pledge(member_client)
    page = member_client.get("/dependents/answer/insured/")

    assert "山田 太郎" in text(page) and "ヤマダ タロウ" in text(page)
    assert "昭和54年8月22日" in text(page)  # 1979-08-22 in 和暦
    assert "<input" not in text(page).split("<form")[0].split("</h1>")[1]
    assert 'href="/dependents/contact/"' in text(page)
    member_client.post("/dependents/answer/insured/")
    assert HouseholdResponse.objects.get().insured_confirmed_at is not None


def test_progress_per_dependent_is_shown_and_answers_can_be_resumed(
    member_client, survey, spouse_target, child_target
):
    pledge(member_client)
    member_client.post("/dependents/answer/insured/")
    member_client.post(f"/dependents/answer/{spouse_target.pk}/basic/")
    hub = text(member_client.get("/dependents/answer/"))

    assert ANSWER_FIRST in hub
    assert "回答中" in hub and "未回答" in hub
    answer(member_client, spouse_target, SPOUSE_ANSWERS)
    again = member_client.get(f"/dependents/answer/{spouse_target.pk}/questions/")

    assert again.context["form"].initial == SPOUSE_ANSWERS | {"q_annual_income": "1200000"}
    assert "完了" in text(member_client.get("/dependents/answer/"))
    assert member_client.get("/dependents/documents/").status_code == 302  # child not answered


def test_the_whole_journey_from_answers_to_results_and_additional_documents(
    member_client,
    survey,
    insured,
    staff,
    spouse_target,
    child_target,
    django_capture_on_commit_callbacks,
):
    answer_all(member_client, spouse_target, child_target)
    hub = text(member_client.get("/dependents/answer/"))
    assert hub.count("STEP3へ進んで必要書類を提出してください。") == 2

    documents = text(member_client.get("/dependents/documents/"))
    assert INCOME in documents and PAYSLIPS in documents and STUDENT in documents
    assert "異動届ダウンロード" in documents and "必要書類一覧PDFダウンロード" in documents

    upload(member_client, spouse_target, INCOME, upload_file("kazei.pdf", pdf_bytes()))
    upload(member_client, spouse_target, PAYSLIPS, upload_file("kyuyo.jpg", image_bytes("JPEG")))
    upload(member_client, child_target, STUDENT, upload_file("gakusei.png", image_bytes("PNG")))
    submit(member_client, spouse_target)
    submit(member_client, child_target)

    spouse_target.refresh_from_db()
    child_target.refresh_from_db()
    assert spouse_target.submitted_at and child_target.submitted_at
    top = text(member_client.get("/dependents/"))
    assert "提出済み" in top and "審査中" in top
    assert "審査結果が更新されました" not in top

    with django_capture_on_commit_callbacks(execute=True):
        services.record_result(target=spouse_target, result="approved", staff=staff)
        services.record_result(
            target=child_target,
            result="deficient",
            reason="在学証明書の発行日が確認できません。",
            additional=["在学証明書(発行日が3か月以内のもの)"],
            staff=staff,
        )

    top = text(member_client.get("/dependents/"))
    assert "審査結果が更新されました。【(3)審査結果の確認】から内容を確認してください。" in top
    results = text(member_client.get("/dependents/results/"))
    assert "認定" in results and "不備・不足" in results
    assert "在学証明書の発行日が確認できません。" in results
    assert "在学証明書(発行日が3か月以内のもの)" in results
    assert UPLOAD_MORE in results
    assert "審査結果が更新されました" not in text(member_client.get("/dependents/"))

    messages = Message.objects.filter(recipient=insured.person).order_by("pk")
    assert [m.subject for m in messages] == ["【被扶養者資格調査】審査結果が更新されました"] * 2
    assert "山田 一郎 さんの審査結果: 不備・不足" in messages[1].body
    assert "在学証明書(発行日が3か月以内のもの)" in messages[1].body

    refused = submit(member_client, child_target, follow=True)
    assert MISSING + "在学証明書(発行日が3か月以内のもの)" in text(refused)
    upload(
        member_client,
        child_target,
        "在学証明書(発行日が3か月以内のもの)",
        upload_file("zaigaku.pdf", pdf_bytes()),
    )
    submit(member_client, child_target)

    child_target.refresh_from_db()
    assert child_target.result == SurveyTarget.Result.PENDING
    assert child_target.uploads.count() == 2
    assert list(
        TargetEvent.objects.filter(target=child_target).values_list("action", flat=True)
    ) == [
        "基本情報確認",
        "設問回答",
        "書類アップロード",
        "提出",
        "審査結果: 不備・不足",
        "書類アップロード",
        "再提出",
    ]


def test_removal_result_offers_the_removal_procedure(
    member_client, survey, staff, spouse_target, child_target
):
    answer_all(member_client, spouse_target, child_target)
    upload(member_client, spouse_target, INCOME, upload_file("a.pdf", pdf_bytes()))
    upload(member_client, spouse_target, PAYSLIPS, upload_file("b.pdf", pdf_bytes()))
    submit(member_client, spouse_target)
    services.record_result(
        target=spouse_target, result="removal", reason="収入が基準を超えています。", staff=staff
    )

    results = text(member_client.get("/dependents/results/"))

    assert "削除手続き" in results and "以下から扶養削除手続きを行ってください。" in results
    assert "収入が基準を超えています。" in results
    assert 'href="/dependents/documents/transfer-form/"' in results


def test_required_documents_pdf_lists_each_dependents_documents_and_deadline(
    member_client, survey, spouse_target, child_target, django_capture_on_commit_callbacks
):
    answer_all(member_client, spouse_target, child_target)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post("/dependents/documents/list.pdf")
    job = DocumentJob.objects.get()
    download = member_client.get(f"/documents/{job.pk}/download/")

    assert response.url == f"/documents/{job.pk}/"
    assert job.state == DocumentJob.State.READY
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    pdf_text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "必要書類一覧" in pdf_text
    assert "山田花子" in pdf_text and "山田一郎" in pdf_text
    assert "課税(非課税)証明書" in pdf_text and "在学証明書または学生証の写し" in pdf_text
    deadline = survey.deadline
    assert f"令和{deadline.year - 2018}年{deadline.month}月{deadline.day}日" in pdf_text


def test_transfer_form_download_is_the_unions_file(member_client, survey, spouse_target):
    pledge(member_client)
    response = member_client.get("/dependents/documents/transfer-form/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4\n% the union")
    assert response["Content-Disposition"].startswith("attachment;")


def test_uploaded_files_are_shown_to_the_insured_member_with_their_real_type(
    member_client, survey, spouse_target, child_target
):
    answer_all(member_client, spouse_target, child_target)
    upload(member_client, spouse_target, INCOME, upload_file("photo.heic", image_bytes("HEIF")))
    stored = Upload.objects.get()
    response = member_client.get(f"/dependents/files/{stored.pk}/")

    assert stored.kind == "heic" and stored.original_name == "photo.heic"
    assert response["Content-Type"] == "image/heic"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = member_client.get(f"/dependents/answer/{spouse_target.pk}/upload/")
    assert "/media/" not in text(page)


def test_an_approved_result_shows_the_unions_reason(
    member_client, survey, staff, spouse_target, child_target
):
    answer_all(member_client, spouse_target, child_target)
    upload(member_client, spouse_target, INCOME, upload_file("a.pdf", pdf_bytes()))
    upload(member_client, spouse_target, PAYSLIPS, upload_file("b.pdf", pdf_bytes()))
    submit(member_client, spouse_target)
    services.record_result(
        target=spouse_target,
        result="approved",
        reason="収入見込額が基準の130万円未満のため、引き続き認定します。",
        staff=staff,
    )

    results = text(member_client.get("/dependents/results/"))

    assert "認定 (山田 花子)" in results
    assert "収入見込額が基準の130万円未満のため、引き続き認定します。" in results


def test_the_criteria_give_the_150_man_yen_limit_for_dependents_aged_19_to_22(
    member_client, survey
):
    pledge(member_client)

    guide = text(member_client.get("/dependents/guide/"))

    assert (
        "令和7年10月1日から、19歳以上23歳未満の被扶養者(配偶者を除く)の年間収入の基準は"
        "150万円未満です(年齢はその年の12月31日時点で判定します)。"
    ) in guide
    assert "130万円未満(60歳以上または障害者の場合は180万円未満)" in guide
