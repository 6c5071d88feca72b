"""A union's 異動届, uploaded by staff in admin, is checked by its content before it is stored
(issue 24): a PDF, Excel or Word file is kept under its real format's extension; anything
else, whatever its name, is refused in Japanese and nothing reaches the bucket."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from dependents.files import OLE2
from dependents.models import DependentSurvey
from tests import factories
from tests.dependents.conftest import pdf_bytes

WRONG = "異動届はPDF、Excel、Word形式のファイルを選択してください。ファイルの内容をご確認ください。"
ADD = "/admin/dependents/dependentsurvey/add/"


def _office(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.fixture
def staff_client(client, staff):
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="dependents"))
    return factories.staff_login(client, staff)


def _add_survey(staff_client, union, upload):
    page = staff_client.get(ADD)
    assert page.status_code == 200
    data = {
        "union": union.pk,
        "title": "被扶養者資格調査",
        "starts_on": "2026-06-01",
        "deadline": "2026-06-30",
        "ends_on": "2026-09-30",
        "published": "on",
        "transfer_form": upload,
    }
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return staff_client.post(ADD, data)


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("異動届.pdf", pdf_bytes(), "transfer_form.pdf"),
        ("idou.xlsx", _office("xl/workbook.xml"), "transfer_form.xlsx"),
        ("idou.pdf", _office("word/document.xml"), "transfer_form.docx"),
        ("idou.xls", OLE2 + b"\x00" * 504, "transfer_form.xls"),
    ],
)
def test_a_pdf_excel_or_word_form_is_stored_under_its_real_extension(
    s3_storages, staff_client, union, name, content, stored
):
    response = _add_survey(staff_client, union, SimpleUploadedFile(name, content))

    assert response.status_code == 302
    survey = DependentSurvey.objects.get()
    assert survey.transfer_form.name == f"dependents/forms/{stored}"
    assert s3_storages.keys() == [f"private/dependents/forms/{stored}"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("idou.pdf", b"MZ\x90\x00\x03\x00\x00\x00 an executable"),
        ("idou.xlsx", b"<html><script>alert(1)</script></html>"),
        ("idou.docx", _office("ppt/presentation.xml")),
        ("idou.pdf", OLE2 + b"\x00" * 504),  # an old Office file, but not said to be .xls/.doc
        ("idou.pdf", b"%PDF-1.7\nnot really a PDF"),
    ],
)
def test_a_renamed_file_is_refused_and_not_stored(s3_storages, staff_client, union, name, content):
    response = _add_survey(staff_client, union, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not DependentSurvey.objects.exists()
    assert s3_storages.keys() == []
