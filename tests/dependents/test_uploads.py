"""DEP-4 STEP4: every upload rejection has a clear Japanese message and loses nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from dependents import files
from dependents.models import SurveyTarget, Upload
from tests.dependents.conftest import image_bytes, pdf_bytes, upload_file
from tests.dependents.steps import answer_all, document_key, upload

INCOME = "収入を証明する書類(課税(非課税)証明書)"
WRONG_TYPE = (
    "アップロードできるのはPDF、JPEG、PNG、HEIC形式のファイルです。ファイルの内容をご確認ください。"
)


@pytest.fixture
def answered(member_client, survey, spouse_target, child_target):
    answer_all(member_client, spouse_target, child_target)
    return member_client


@pytest.fixture
def kept(answered, spouse_target):
    """A file already uploaded, which no rejected attempt may lose."""
    upload(answered, spouse_target, INCOME, upload_file("first.pdf", pdf_bytes()))
    return Upload.objects.get()


def _rejected(response, message):
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kazei.pdf", b"%PDF-1.7\nthis is not really a PDF document at all"),
        ("kazei.pdf", "課税証明書".encode()),
        ("photo.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("photo.png", b"MZ\x90\x00 an executable renamed"),
        ("scan.heic", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ],
)
def test_a_file_whose_content_is_not_a_pdf_or_image_is_refused_whatever_its_name(
    answered, kept, spouse_target, name, content
):
    response = upload(answered, spouse_target, INCOME, upload_file(name, content, "image/jpeg"))

    _rejected(response, WRONG_TYPE)
    assert list(Upload.objects.all()) == [kept]


def test_a_gif_image_is_refused(answered, spouse_target):
    response = upload(answered, spouse_target, INCOME, upload_file("a.gif", image_bytes("GIF")))

    _rejected(response, WRONG_TYPE)


def test_an_image_with_the_wrong_extension_is_stored_as_what_it_is(answered, spouse_target):
    upload(answered, spouse_target, INCOME, upload_file("scan.jpg", image_bytes("PNG")))

    stored = Upload.objects.get()
    assert stored.kind == "png" and stored.original_name == "scan.png"
    assert stored.file.name.endswith(".png")


def test_a_file_over_ten_megabytes_is_refused(answered, kept, spouse_target):
    big = b"%PDF-1.4\n" + b"0" * files.MAX_UPLOAD_BYTES

    response = upload(answered, spouse_target, INCOME, upload_file("big.pdf", big))

    _rejected(response, "ファイルサイズは10MB以下にしてください。")
    assert list(Upload.objects.all()) == [kept]


def test_an_empty_file_is_refused(answered, spouse_target):
    response = upload(answered, spouse_target, INCOME, upload_file("empty.pdf", b""))

    _rejected(response, "ファイルが空です。")
    assert not Upload.objects.exists()


def test_no_file_and_no_document_are_refused(answered, spouse_target):
    response = answered.post(f"/dependents/answer/{spouse_target.pk}/upload/", {})

    _rejected(response, "ファイルを選択してください。")
    _rejected(response, "提出する書類を選択してください。")


def test_a_document_not_required_of_this_dependent_is_refused(
    answered, spouse_target, child_target
):
    child_document = document_key(answered, child_target, "在学証明書または学生証の写し")

    response = answered.post(
        f"/dependents/answer/{spouse_target.pk}/upload/",
        {"document": child_document, "file": upload_file("a.pdf", pdf_bytes())},
    )

    assert response.status_code == 400
    assert not Upload.objects.exists()


def test_uploads_are_refused_after_the_deadline(answered, kept, spouse_target):
    SurveyTarget.objects.filter(pk=spouse_target.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    page = answered.get(f"/dependents/answer/{spouse_target.pk}/upload/")
    key = page.context["form"].fields["document"].choices[1][0]

    response = answered.post(
        f"/dependents/answer/{spouse_target.pk}/upload/",
        {"document": key, "file": upload_file("late.pdf", pdf_bytes())},
    )
    deleted = answered.post(f"/dependents/files/{kept.pk}/delete/", follow=True)
    submitted = answered.post(f"/dependents/answer/{spouse_target.pk}/submit/", follow=True)

    assert "提出期限を過ぎているため、書類をアップロードできません。" in page.content.decode()
    _rejected(response, "提出期限を過ぎているため、書類をアップロードできません。")
    assert "提出期限を過ぎているため" in deleted.content.decode()
    assert "提出期限を過ぎているため" in submitted.content.decode()
    assert list(Upload.objects.all()) == [kept]
    spouse_target.refresh_from_db()
    assert spouse_target.submitted_at is None


def test_uploads_and_deletions_are_refused_after_submission(answered, kept, spouse_target):
    upload(
        answered,
        spouse_target,
        "給与明細書(直近3か月分)の写し",
        upload_file("b.jpg", image_bytes("JPEG")),
    )
    key = document_key(answered, spouse_target, INCOME)
    answered.post(f"/dependents/answer/{spouse_target.pk}/submit/")

    response = answered.post(
        f"/dependents/answer/{spouse_target.pk}/upload/",
        {"document": key, "file": upload_file("late.pdf", pdf_bytes())},
    )
    deleted = answered.post(f"/dependents/files/{kept.pk}/delete/", follow=True)
    changed = answered.post(
        f"/dependents/answer/{spouse_target.pk}/questions/", {"q_meets_criteria": "no"}
    )

    _rejected(response, "提出済みのため、書類を追加・削除できません。")
    assert "提出済みのため、書類を追加・削除できません。" in deleted.content.decode()
    assert Upload.objects.count() == 2
    assert changed.status_code == 302
    assert spouse_target.answers.get(question__code="meets_criteria").value == "yes"


def test_submitting_twice_submits_once(answered, kept, spouse_target):
    upload(
        answered, spouse_target, "給与明細書(直近3か月分)の写し", upload_file("b.pdf", pdf_bytes())
    )
    answered.post(f"/dependents/answer/{spouse_target.pk}/submit/")
    spouse_target.refresh_from_db()
    first = spouse_target.submitted_at

    again = answered.post(f"/dependents/answer/{spouse_target.pk}/submit/", follow=True)

    spouse_target.refresh_from_db()
    assert spouse_target.submitted_at == first
    # Harmless: not an error, the member is told it is done (a double click posts twice).
    done = "山田 花子 さんの書類は提出済みです。審査結果をお待ちください。"
    assert done in again.content.decode()
    assert spouse_target.events.filter(action="提出").count() == 1


def test_submitting_with_a_document_missing_names_it(answered, kept, spouse_target):
    response = answered.post(f"/dependents/answer/{spouse_target.pk}/submit/", follow=True)

    assert (
        "アップロードされていない必要書類があります: 給与明細書(直近3か月分)の写し"
        in response.content.decode()
    )
    spouse_target.refresh_from_db()
    assert spouse_target.submitted_at is None


def test_a_file_can_be_deleted_before_submission(
    answered, kept, spouse_target, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = answered.post(f"/dependents/files/{kept.pk}/delete/", follow=True)

    assert "書類を削除しました。" in response.content.decode()
    assert not Upload.objects.exists()
    assert not kept.file.storage.exists(kept.file.name)


def test_uploads_wait_for_the_answers(member_client, survey, spouse_target):
    response = member_client.get(f"/dependents/answer/{spouse_target.pk}/upload/", follow=True)

    assert "誓約する" in response.content.decode()  # not even pledged yet
