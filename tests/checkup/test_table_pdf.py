"""「健診結果一覧表(PDFダウンロード)」 through the background document jobs, read back."""

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.utils import timezone
from pypdf import PdfReader

from kosmo.models import DocumentJob, Person
from tests.checkup.factories import checkup_with


def _text(client, job) -> str:
    download = client.get(f"/documents/{job.pk}/download/")
    person = Person.objects.get(pk=job.params["person"])
    today = timezone.localdate()
    name = f"健診結果一覧表_{person.family_name}{person.given_name}_{today:%Y%m%d}.pdf"
    assert download["Content-Disposition"] == (
        f"attachment; filename=\"kenshin_kekka_{today:%Y%m%d}.pdf\"; filename*=utf-8''{quote(name)}"
    )
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


@pytest.fixture
def exams(insured):
    checkup_with(insured.person, dt.date(2025, 6, 14), sbp="142", ldl="152", hdl="29")
    checkup_with(insured.person, dt.date(2024, 6, 10), sbp="128")
    checkup_with(insured.person, dt.date(2019, 5, 7), sbp="121")  # 令和元年
    return insured


def test_pdf_holds_the_values_names_and_wareki_dates(
    member_client, exams, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post("/checkup/table.pdf", {"person": exams.person.pk})
    job = DocumentJob.objects.get()
    status = member_client.get(response.url).content.decode()

    assert job.state == DocumentJob.State.READY
    assert "PDFのダウンロードの準備ができました。" in status
    text = _text(member_client, job)
    assert job.filename == f"健診結果一覧表_山田太郎_{timezone.localdate():%Y%m%d}.pdf"
    assert "健診結果一覧表" in text
    assert "山田太郎様" in text
    assert "令和7年6月14日" in text and "令和6年6月10日" in text and "令和元年5月7日" in text
    assert "生年月日昭和54年8月22日" in text
    assert "収縮期血圧" in text and "129以下(mmHg)" in text
    assert "142H" in text and "128" in text and "121" in text
    assert "29L" in text  # HDL below the reference
    assert "152H" in text
    assert text.index("令和7年6月14日") < text.index("令和6年6月10日")  # newest first


def test_pdf_of_a_household_member(
    member_client, insured, child, django_capture_on_commit_callbacks
):
    checkup_with(child, dt.date(2025, 6, 1), sbp="133")
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/checkup/table.pdf", {"person": child.pk})

    text = _text(member_client, DocumentJob.objects.get())

    assert "山田一郎様" in text and "133H" in text and "山田太郎" not in text


def test_double_submit_reuses_the_job(member_client, exams):
    first = member_client.post("/checkup/table.pdf", {"person": exams.person.pk})
    second = member_client.post("/checkup/table.pdf", {"person": exams.person.pk})

    assert first.url == second.url
    assert DocumentJob.objects.count() == 1


def test_pdf_of_someone_outside_the_household_is_404(
    member_client, exams, other_household_member, other_union_member
):
    for stranger in (other_household_member, other_union_member):
        checkup_with(stranger.person)
        response = member_client.post("/checkup/table.pdf", {"person": stranger.person.pk})
        assert response.status_code == 404
    assert DocumentJob.objects.count() == 0


def test_dependent_cannot_request_the_insureds_pdf(client, dependent, exams):
    client.force_login(dependent)

    assert client.post("/checkup/table.pdf", {"person": exams.person.pk}).status_code == 404


def test_another_member_cannot_download_the_pdf(
    member_client, client, exams, other_household_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/checkup/table.pdf", {"person": exams.person.pk})
    job = DocumentJob.objects.get()
    client.force_login(other_household_member)

    assert client.get(f"/documents/{job.pk}/download/").status_code == 404


def test_pdf_needs_post(member_client, exams):
    assert member_client.get("/checkup/table.pdf").status_code == 405
