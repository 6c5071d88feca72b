"""Private files in the bucket (issue 24) are streamed by the views that check who asks: a
member gets their own PDF, survey upload, 異動届 and diary picture from S3; another member, of
the household next door or of another union, changing the ID in the URL gets nothing; an
expired PDF leaves the bucket with its job; no object carries a public grant."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from dependents.models import SurveyTarget, Upload
from eligibility.queries import NOTICE_KIND
from kosmo import documents
from kosmo.models import DocumentJob, Union
from tests.dependents.conftest import make_survey, pdf_bytes
from tests.dependents.steps import answer_all, upload
from tests.wellness.diary.conftest import image_bytes, join
from wellness.diary.models import DiaryPost

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
INCOME = "収入を証明する書類(課税(非課税)証明書)"
NOT_FOUND = "ページが見つかりません"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _object(s3_storages, key: str) -> bytes:
    return s3_storages.client.get_object(Bucket=s3_storages.bucket, Key=key)["Body"].read()


def _no_public_grant(s3_storages, key: str) -> None:
    grants = s3_storages.client.get_object_acl(Bucket=s3_storages.bucket, Key=key)["Grants"]
    assert grants, key
    for grant in grants:
        assert grant["Grantee"].get("URI") not in (ALL_USERS, AUTHENTICATED_USERS), key


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _refused(response) -> None:
    """Another member's file: a 404 (another household), or the portal refusing another
    union's account on this union's host (403); never the file."""
    assert response.status_code in (403, 404)
    assert not hasattr(response, "streaming_content")


# --- 資格情報のお知らせ (a DocumentJob PDF) ------------------------------------------------------


@pytest.fixture
def ready_notice(s3_storages, insured, django_capture_on_commit_callbacks) -> DocumentJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = documents.request_document(
            owner=insured, kind=NOTICE_KIND, params={"person": insured.person.pk}
        )
    job.refresh_from_db()
    assert job.state == DocumentJob.State.READY
    return job


def test_a_member_downloads_their_own_pdf_from_the_bucket(s3_storages, member_client, ready_notice):
    [key] = s3_storages.keys()
    assert key == f"private/{ready_notice.file.name}"
    _no_public_grant(s3_storages, key)

    response = member_client.get(f"/documents/{ready_notice.pk}/download/")

    assert response.status_code == 200
    content = _body(response)
    assert content == _object(s3_storages, key)
    assert PdfReader(io.BytesIO(content)).pages  # a real PDF, read back
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"


def test_another_household_or_union_cannot_download_the_pdf_by_its_id(
    s3_storages, ready_notice, other_household_member, other_union_member
):
    url = f"/documents/{ready_notice.pk}/download/"

    neighbour = _signed_in(other_household_member).get(url)
    assert neighbour.status_code == 404
    assert NOT_FOUND in neighbour.content.decode()
    _refused(_signed_in(other_union_member).get(url))
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_an_expired_pdf_is_removed_from_the_bucket_and_its_url_fails(
    s3_storages, member_client, ready_notice
):
    assert s3_storages.keys("private/documents/") == [f"private/{ready_notice.file.name}"]

    # One second before its expiry the PDF stays; at the expiry itself it goes.
    assert documents.purge_expired(now=ready_notice.expires_at - dt.timedelta(seconds=1)) == 0
    assert s3_storages.keys("private/documents/") != []
    assert documents.purge_expired(now=ready_notice.expires_at) == 1

    assert s3_storages.keys() == []
    assert not DocumentJob.objects.filter(pk=ready_notice.pk).exists()
    assert member_client.get(f"/documents/{ready_notice.pk}/download/").status_code == 404


def test_a_pdf_the_bucket_lost_is_a_404_not_an_error(s3_storages, member_client, ready_notice):
    s3_storages.client.delete_object(
        Bucket=s3_storages.bucket, Key=f"private/{ready_notice.file.name}"
    )

    response = member_client.get(f"/documents/{ready_notice.pk}/download/")

    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


# --- 被扶養者資格調査: an upload and the 異動届 --------------------------------------------------


@pytest.fixture
def survey_on_s3(s3_storages, union, insured, dependent, child):
    return make_survey(union)


@pytest.fixture
def uploaded(survey_on_s3, member_client, dependent, child) -> Upload:
    spouse = SurveyTarget.objects.get(survey=survey_on_s3, person=dependent.person)
    kid = SurveyTarget.objects.get(survey=survey_on_s3, person=child)
    answer_all(member_client, spouse, kid)
    content = pdf_bytes(pages=2)
    response = upload(member_client, spouse, INCOME, SimpleUploadedFile("kazei.pdf", content))
    assert response.status_code == 302
    return Upload.objects.get()


def test_a_survey_upload_is_stored_privately_and_streamed_back_to_its_member(
    s3_storages, member_client, uploaded
):
    key = f"private/{uploaded.file.name}"
    assert key in s3_storages.keys("private/dependents/uploads/")
    _no_public_grant(s3_storages, key)

    response = member_client.get(f"/dependents/files/{uploaded.pk}/")

    assert response.status_code == 200
    assert _body(response) == _object(s3_storages, key)
    assert len(PdfReader(io.BytesIO(_object(s3_storages, key))).pages) == 2
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_another_household_or_union_cannot_open_the_upload_by_its_id(
    s3_storages, uploaded, other_household_member, other_union_member
):
    url = f"/dependents/files/{uploaded.pk}/"

    assert _signed_in(other_household_member).get(url).status_code == 404
    _refused(_signed_in(other_union_member).get(url))


def test_the_transfer_form_is_downloaded_from_the_bucket(s3_storages, member_client, uploaded):
    form = uploaded.target.survey.transfer_form
    key = f"private/{form.name}"
    assert key in s3_storages.keys("private/dependents/forms/")
    _no_public_grant(s3_storages, key)

    response = member_client.get("/dependents/documents/transfer-form/")

    assert response.status_code == 200
    assert _body(response) == _object(s3_storages, key)
    assert (
        "%E8%A2%AB%E6%89%B6%E9%A4%8A%E8%80%85%E7%95%B0%E5%8B%95%E5%B1%8A.pdf"
        in (
            response["Content-Disposition"]  # 被扶養者異動届.pdf
        )
    )


# --- 健康日記: a post's picture ------------------------------------------------------------------


@pytest.fixture
def diary_post(s3_storages, union, insured, other_household_member) -> DiaryPost:
    union.tier = Union.ContractTier.RICH
    union.save()
    join(insured.person, "たろう")
    join(other_household_member.person, "けん")
    client = _signed_in(insured)
    token = str(uuid.uuid4())
    picture = SimpleUploadedFile("walk.png", image_bytes("PNG"), "image/png")
    confirm = client.post(
        "/wellness/diary/post/",
        {"step": "confirm", "body": "朝の散歩", "token": token, "image": picture},
    )
    assert confirm.status_code == 200
    posted = client.post(
        "/wellness/diary/post/", {"step": "post", "body": "朝の散歩", "token": token}
    )
    assert posted.status_code == 302
    return DiaryPost.objects.get(token=token)


def test_a_diary_picture_is_stored_privately_and_shown_to_the_unions_members(
    s3_storages, diary_post, insured, other_household_member
):
    key = f"private/{diary_post.image.name}"
    assert s3_storages.keys("private/") == [key]  # the held picture moved over, no copy left
    _no_public_grant(s3_storages, key)

    for member in (insured, other_household_member):
        response = _signed_in(member).get(f"/wellness/diary/{diary_post.pk}/image/")
        assert response.status_code == 200
        assert _body(response) == _object(s3_storages, key)
        assert response["Content-Type"] == "image/png"


def test_another_unions_member_cannot_see_the_diary_picture(
    s3_storages, diary_post, other_union_member
):
    _refused(_signed_in(other_union_member).get(f"/wellness/diary/{diary_post.pk}/image/"))
