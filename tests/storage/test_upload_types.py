"""Uploads are scanned for type before they are written (issue 24): whatever a file's name or
the browser's Content-Type says, one whose content is not what the form takes is refused in
Japanese and nothing reaches the bucket."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dependents.models import SurveyTarget, Upload
from kosmo.models import Union
from notices.models import Profile
from tests.dependents.conftest import make_survey
from tests.dependents.steps import answer_all, upload
from tests.wellness.diary.conftest import join
from wellness.diary.models import PendingImage
from wellness.records.models import StepImport

INCOME = "収入を証明する書類(課税(非課税)証明書)"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
DEPENDENTS_WRONG = (
    "アップロードできるのはPDF、JPEG、PNG、HEIC形式のファイルです。ファイルの内容をご確認ください。"
)
DIARY_WRONG = "画像はpng/jpg/gif形式のファイルを選択してください。"
PROFILE_WRONG = "画像はPNG・JPEG・GIF形式のファイルを選択してください。"
IMPORT_WRONG = (
    "このファイルは取り込めません。iPhone の「ヘルスケア」から書き出した export.zip "
    "(または export.xml)、Health Connect / Google Fit の CSV ファイルを選んでください。"
)
RENAMED = [
    ("kazei.pdf", EXECUTABLE, "application/pdf"),
    ("kazei.pdf", HTML, "application/pdf"),
    ("photo.jpg", HTML, "image/jpeg"),
    ("photo.png", EXECUTABLE, "image/png"),
]


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def rich(union):
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


@pytest.mark.parametrize(("name", "content", "content_type"), RENAMED)
def test_a_renamed_file_is_not_written_as_a_survey_upload(
    s3_storages, union, member_client, dependent, child, name, content, content_type
):
    survey = make_survey(union)
    spouse = SurveyTarget.objects.get(survey=survey, person=dependent.person)
    answer_all(member_client, spouse, SurveyTarget.objects.get(survey=survey, person=child))
    before = s3_storages.keys("private/dependents/uploads/")

    response = upload(
        member_client, spouse, INCOME, SimpleUploadedFile(name, content, content_type)
    )

    assert response.status_code == 400
    assert DEPENDENTS_WRONG in _html(response)
    assert before == [] and s3_storages.keys("private/dependents/uploads/") == []
    assert not Upload.objects.exists()


@pytest.mark.parametrize(("name", "content", "content_type"), RENAMED)
def test_a_renamed_file_is_not_written_as_a_diary_picture(
    s3_storages, rich, member_client, insured, name, content, content_type
):
    join(insured.person, "たろう")

    response = member_client.post(
        "/wellness/diary/post/",
        {
            "step": "confirm",
            "body": "写真です",
            "image": SimpleUploadedFile(name, content, content_type),
        },
    )

    assert response.status_code == 400
    assert DIARY_WRONG in _html(response)
    assert "写真です" in _html(response)
    assert s3_storages.keys() == []
    assert not PendingImage.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("me.png", HTML, "image/png"), ("me.jpg", EXECUTABLE, "image/jpeg")],
)
def test_a_renamed_file_is_not_written_as_a_profile_picture(
    s3_storages, member_client, insured, name, content, content_type
):
    response = member_client.post(
        "/notices/settings/profile/",
        {"nickname": "たろう", "image": SimpleUploadedFile(name, content, content_type)},
    )

    assert response.status_code == 400
    assert PROFILE_WRONG in _html(response)
    assert s3_storages.keys() == []
    assert not Profile.objects.filter(person=insured.person).exists()


def _zip_of(name: str, content: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("export.zip", EXECUTABLE),
        ("export.xml", HTML),
        ("export.csv", EXECUTABLE),
        ("export.zip", _zip_of("photos/IMG_0001.jpg", b"\xff\xd8\xff")),
    ],
)
def test_a_renamed_file_is_not_written_as_a_health_data_export(
    s3_storages, rich, member_client, name, content
):
    response = member_client.post(
        reverse("wellness:records_import"), {"file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    assert IMPORT_WRONG in _html(response)
    assert s3_storages.keys() == []
    assert not StepImport.objects.exists()
