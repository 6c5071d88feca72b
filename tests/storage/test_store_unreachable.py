"""The file store unreachable (issue 24): downloads answer the portal's Japanese 503 page, not a
traceback; an upload's form comes back with a Japanese message and everything else the member
entered, with no row pointing at a missing file; a PDF whose save fails stays queued (not
failed, its attempts untouched) and is ready once the store is back; the purge and the
health-data import wait for the store.

The S3 endpoint is a real server process, stopped for real (connection refused). moto keeps
its objects in memory, so a restarted store is empty: `store_down()` makes the test's bucket
again, and a test needing an old object puts it back as a real store would still hold it."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from dependents.models import SurveyTarget, Upload
from eligibility.queries import NOTICE_KIND
from kosmo import documents
from kosmo.models import DOCUMENT_MAX_ATTEMPTS, DocumentJob, Union
from kosmo.storage import StoreUnavailable
from notices.models import Profile
from tests.dependents.conftest import make_survey, pdf_bytes
from tests.dependents.steps import answer_all, document_key, upload
from tests.s3 import REGION
from tests.wellness.diary.conftest import image_bytes, join
from wellness.diary.models import DiaryPost, PendingImage
from wellness.records import imports
from wellness.records.models import StepImport

STORE_DOWN = "ただいまファイルを取り出せません。しばらくしてからもう一度お試しください。"
UPLOAD_DOWN = (
    "ただいまファイルを保存できません。入力内容はそのままです。"
    "しばらくしてから、もう一度ファイルを選択して送信してください。"
)
GENERATING = "PDFが生成中です。しばらくお待ちのうえ、画面を更新してください。"
FAILED = "PDFを作成できませんでした。お手数ですが、もう一度お試しください。"
INCOME = "収入を証明する書類(課税(非課税)証明書)"
APPLE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="ja_JP">\n'
    '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" '
    'startDate="2025-06-01 08:00:00 +0900" endDate="2025-06-01 09:00:00 +0900" value="4321"/>\n'
    "</HealthData>\n"
)


@contextmanager
def store_down(s3_storages):
    """The store stopped for the block, then started again with the test's (empty) bucket."""
    s3_storages.endpoint.stop()
    try:
        yield
    finally:
        s3_storages.endpoint.start()
        s3_storages.client.create_bucket(
            Bucket=s3_storages.bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_store_down_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = _html(response)
    assert STORE_DOWN in html
    # The portal's own page (base.html, the union's name in the title), not a traceback.
    assert "<title>コスモ健康保険組合 KOSMO Web</title>" in html
    assert "本文へ移動" in html
    assert "Traceback" not in html


@pytest.fixture
def rich(union):
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


# --- Downloads ----------------------------------------------------------------------------------


def test_downloads_while_the_store_is_down_show_the_japanese_503_page(
    s3_storages, rich, insured, dependent, child, django_capture_on_commit_callbacks
):
    client = _signed_in(insured)
    with django_capture_on_commit_callbacks(execute=True):
        job = documents.request_document(
            owner=insured, kind=NOTICE_KIND, params={"person": insured.person.pk}
        )
    survey = make_survey(rich)
    spouse = SurveyTarget.objects.get(survey=survey, person=dependent.person)
    answer_all(client, spouse, SurveyTarget.objects.get(survey=survey, person=child))
    upload(client, spouse, INCOME, SimpleUploadedFile("kazei.pdf", pdf_bytes()))
    uploaded = Upload.objects.get()
    join(insured.person, "たろう")
    post = DiaryPost.objects.create(
        union=rich, author=insured.person, body="散歩", token=uuid.uuid4()
    )
    post.image.save("walk.png", ContentFile(image_bytes("PNG")))
    logo = default_storage.save("unions/logos/logo.png", ContentFile(image_bytes("PNG")))
    urls = [
        f"/documents/{job.pk}/download/",
        f"/dependents/files/{uploaded.pk}/",
        "/dependents/documents/transfer-form/",
        f"/wellness/diary/{post.pk}/image/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert Client().get(f"/media/{logo}").status_code == 200

    with store_down(s3_storages):
        for url in urls:
            _assert_store_down_page(client.get(url))
        response = Client().get(f"/media/{logo}")
        assert response.status_code == 503
        assert STORE_DOWN in _html(response)
        # The rest of the portal is served as usual.
        assert client.get(f"/documents/{job.pk}/").status_code == 200


# --- Uploads ------------------------------------------------------------------------------------


def test_a_survey_upload_while_the_store_is_down_keeps_the_form_and_writes_nothing(
    s3_storages, union, member_client, dependent, child
):
    survey = make_survey(union)
    spouse = SurveyTarget.objects.get(survey=survey, person=dependent.person)
    answer_all(member_client, spouse, SurveyTarget.objects.get(survey=survey, person=child))
    key = document_key(member_client, spouse, INCOME)
    url = f"/dependents/answer/{spouse.pk}/upload/"

    with store_down(s3_storages):
        response = member_client.post(
            url, {"document": key, "file": SimpleUploadedFile("kazei.pdf", pdf_bytes())}
        )

        assert response.status_code == 400
        html = _html(response)
        assert UPLOAD_DOWN in html
        assert f'<option value="{key}" selected>' in html  # the chosen document is kept
        assert not Upload.objects.exists()

    # The store is back: the same upload goes through.
    again = member_client.post(
        url, {"document": key, "file": SimpleUploadedFile("kazei.pdf", pdf_bytes())}
    )
    assert again.status_code == 302
    assert s3_storages.keys("private/dependents/uploads/") == [
        f"private/{Upload.objects.get().file.name}"
    ]


def test_a_diary_picture_while_the_store_is_down_keeps_the_text_and_holds_nothing(
    s3_storages, rich, member_client, insured
):
    join(insured.person, "たろう")
    token = str(uuid.uuid4())

    def confirm():
        picture = SimpleUploadedFile("walk.jpg", image_bytes("JPEG"), "image/jpeg")
        data = {"step": "confirm", "body": "雨の日の室内ウォーク", "token": token, "image": picture}
        return member_client.post("/wellness/diary/post/", data)

    with store_down(s3_storages):
        response = confirm()

        assert response.status_code == 400
        html = _html(response)
        assert UPLOAD_DOWN in html
        assert "雨の日の室内ウォーク</textarea>" in html
        assert not PendingImage.objects.exists()
        assert not DiaryPost.objects.exists()

    assert confirm().status_code == 200
    assert len(s3_storages.keys("private/")) == 1


def test_a_profile_picture_while_the_store_is_down_keeps_the_nickname_and_saves_nothing(
    s3_storages, member_client, insured
):
    Profile.objects.create(person=insured.person, nickname="たろう", introduction="前の紹介")

    def save():
        picture = SimpleUploadedFile("me.png", image_bytes("PNG"), "image/png")
        data = {"nickname": "たろちゃん", "introduction": "毎日8,000歩", "image": picture}
        return member_client.post("/notices/settings/profile/", data)

    with store_down(s3_storages):
        response = save()

        assert response.status_code == 400
        html = _html(response)
        assert UPLOAD_DOWN in html
        assert 'value="たろちゃん"' in html and "毎日8,000歩</textarea>" in html
        profile = Profile.objects.get(person=insured.person)
        assert (profile.nickname, profile.introduction, profile.image.name) == (
            "たろう",
            "前の紹介",
            "",
        )

    assert save().status_code == 302
    profile = Profile.objects.get(person=insured.person)
    assert profile.nickname == "たろちゃん"
    assert s3_storages.keys("public/") == [f"public/{profile.image.name}"]


def test_a_health_data_export_while_the_store_is_down_is_refused_and_nothing_is_queued(
    s3_storages, rich, member_client
):
    with store_down(s3_storages):
        response = member_client.post(
            reverse("wellness:records_import"),
            {"file": SimpleUploadedFile("export.xml", APPLE.encode())},
        )

        assert response.status_code == 200
        assert UPLOAD_DOWN in _html(response)
        assert not StepImport.objects.exists()


def test_a_health_data_import_waits_for_the_store_and_reads_the_file_again(
    s3_storages, rich, member_client, insured, django_capture_on_commit_callbacks
):
    # Stored with the store up; the worker then finds it down.
    response = member_client.post(
        reverse("wellness:records_import"),
        {"file": SimpleUploadedFile("export.xml", APPLE.encode())},
    )
    assert response.status_code == 302
    job = StepImport.objects.get()
    key = f"private/{job.stored_name}"
    assert s3_storages.keys() == [key]

    with store_down(s3_storages), pytest.raises(StoreUnavailable):
        imports.run(job.pk)
    job.refresh_from_db()
    assert not job.finished  # neither failed nor ready: the task's retry reads it again

    # Back, with its objects (moto's restart lost them; a real store keeps them).
    s3_storages.client.put_object(Bucket=s3_storages.bucket, Key=key, Body=APPLE.encode())
    assert imports.run(job.pk) == StepImport.State.READY
    job.refresh_from_db()
    assert job.days_saved == 1
    assert s3_storages.keys() == []  # the export is not kept


# --- A PDF whose save fails ---------------------------------------------------------------------


def test_a_pdf_the_store_cannot_take_stays_queued_and_is_ready_once_the_store_is_back(
    s3_storages, member_client, insured, django_capture_on_commit_callbacks
):
    with store_down(s3_storages):
        with django_capture_on_commit_callbacks(execute=True):
            job = documents.request_document(
                owner=insured, kind=NOTICE_KIND, params={"person": insured.person.pk}
            )
        job.refresh_from_db()
        assert (job.state, job.attempts, job.error) == (DocumentJob.State.PENDING, 0, "")
        assert not job.file
        page = member_client.get(f"/documents/{job.pk}/")
        assert GENERATING in _html(page) and FAILED not in _html(page)
        assert member_client.get(f"/documents/{job.pk}/download/").status_code == 404

        # The beat's sweeps while the store stays down: more than the attempts allowed, and
        # the job is still queued, not failed (a store outage is not the render's fault).
        for _ in range(DOCUMENT_MAX_ATTEMPTS + 1):
            deadline = job.deadline
            assert documents.requeue_overdue(now=deadline - dt.timedelta(seconds=1)) == 0
            with django_capture_on_commit_callbacks(execute=True):
                assert documents.requeue_overdue(now=deadline) == 1
            job.refresh_from_db()
            assert (job.state, job.attempts) == (DocumentJob.State.PENDING, 0)
            assert job.deadline > deadline

    # The store is back: the next sweep renders it and the member downloads it.
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.requeue_overdue(now=job.deadline) == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.READY, 1)
    assert s3_storages.keys() == [f"private/{job.file.name}"]
    response = member_client.get(f"/documents/{job.pk}/download/")
    assert response.status_code == 200
    assert PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages


def test_a_waiting_pdf_is_retried_at_once_by_the_members_retry(
    s3_storages, member_client, insured, django_capture_on_commit_callbacks
):
    with store_down(s3_storages), django_capture_on_commit_callbacks(execute=True):
        job = documents.request_document(
            owner=insured, kind=NOTICE_KIND, params={"person": insured.person.pk}
        )
    job.refresh_from_db()
    assert job.state == DocumentJob.State.PENDING

    # Past its deadline the page offers 「再試行」, which queues it at once.
    with django_capture_on_commit_callbacks(execute=True):
        documents.retry(job, now=job.deadline)
    job.refresh_from_db()
    assert job.state == DocumentJob.State.READY


def test_the_purge_waits_for_the_store(s3_storages, insured, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = documents.request_document(
            owner=insured, kind=NOTICE_KIND, params={"person": insured.person.pk}
        )
    job.refresh_from_db()

    with store_down(s3_storages):
        assert documents.purge_expired(now=job.expires_at) == 0
        assert DocumentJob.objects.filter(pk=job.pk).exists()  # kept: its file may be there

    assert documents.purge_expired(now=job.expires_at) == 1
    assert not DocumentJob.objects.filter(pk=job.pk).exists()


# --- Deleting ----------------------------------------------------------------------------------


def test_a_post_or_upload_deleted_while_the_store_is_down_is_gone_all_the_same(
    s3_storages, rich, member_client, insured, dependent, child, django_capture_on_commit_callbacks
):
    join(insured.person, "たろう")
    post = DiaryPost.objects.create(
        union=rich, author=insured.person, body="散歩", token=uuid.uuid4()
    )
    post.image.save("walk.png", ContentFile(image_bytes("PNG")))
    survey = make_survey(rich)
    spouse = SurveyTarget.objects.get(survey=survey, person=dependent.person)
    answer_all(member_client, spouse, SurveyTarget.objects.get(survey=survey, person=child))
    upload(member_client, spouse, INCOME, SimpleUploadedFile("kazei.pdf", pdf_bytes()))
    uploaded = Upload.objects.get()

    with store_down(s3_storages):
        with django_capture_on_commit_callbacks(execute=True):
            deleted_post = member_client.post(f"/wellness/diary/{post.pk}/delete/")
            deleted_upload = member_client.post(f"/dependents/files/{uploaded.pk}/delete/")

        # The rows are gone (the files are left in the store, logged): no error page.
        assert deleted_post.status_code == 302
        assert deleted_upload.status_code == 302
        assert not DiaryPost.objects.filter(pk=post.pk).exists()
        assert not Upload.objects.exists()


def test_a_health_data_export_the_store_lost_fails_in_japanese_instead_of_retrying(
    s3_storages, rich, member_client
):
    response = member_client.post(
        reverse("wellness:records_import"),
        {"file": SimpleUploadedFile("export.xml", APPLE.encode())},
    )
    job = StepImport.objects.get()
    s3_storages.client.delete_object(Bucket=s3_storages.bucket, Key=f"private/{job.stored_name}")

    assert response.status_code == 302
    assert imports.run(job.pk) == StepImport.State.FAILED
    job.refresh_from_db()
    assert job.error == imports.BROKEN_FILE


def test_going_back_from_the_confirm_page_while_the_store_is_down_keeps_the_text(
    s3_storages, rich, member_client, insured
):
    join(insured.person, "たろう")
    token = str(uuid.uuid4())
    picture = SimpleUploadedFile("walk.png", image_bytes("PNG"), "image/png")
    confirm = member_client.post(
        "/wellness/diary/post/",
        {"step": "confirm", "body": "夕方の散歩", "token": token, "image": picture},
    )
    assert confirm.status_code == 200

    with store_down(s3_storages):
        back = member_client.post(
            "/wellness/diary/post/", {"step": "back", "body": "夕方の散歩", "token": token}
        )

        assert back.status_code == 200
        assert "夕方の散歩</textarea>" in _html(back)
        # The held picture stays until the abandoned pictures are purged.
        assert PendingImage.objects.filter(token=token).exists()
