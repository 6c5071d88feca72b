"""MED-4 「医療費明細 (PDF)」 through the background document jobs."""

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from kosmo import documents
from kosmo.models import DocumentJob
from kosmo.pdf import render_pdf
from medical import queries
from medical.models import Claim
from tests import factories


@pytest.fixture
def march(insured, dependent):
    month = dt.date(2025, 3, 1)
    factories.ClaimFactory(
        person=insured.person,
        service_month=month,
        insurer_paid=9972,
        public_paid=1200,
        patient_paid=1628,
    )
    factories.ClaimFactory(
        person=dependent.person,
        service_month=month,
        provider_name="パドコ歯科",
        insurer_paid=7460,
        public_paid=3216,
        patient_paid=1944,
    )
    return month


def _request(client, start="2025-03", end="2025-03", **extra):
    return client.post("/medical/statement.pdf", {"start": start, "end": end, **extra})


def test_pdf_is_rendered_in_the_background_and_downloaded(
    member_client, march, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(member_client)
    status = member_client.get(response.url)
    job = DocumentJob.objects.get()
    download = member_client.get(f"/documents/{job.pk}/download/")

    assert job.state == DocumentJob.State.READY
    assert "PDFのダウンロードの準備ができました。" in status.content.decode()
    assert download["Content-Disposition"] == (
        'attachment; filename="iryouhi_meisai_202503-202503.pdf"; '
        f"filename*=utf-8''{quote('医療費明細_2025年3月.pdf')}"
    )
    assert download["Cache-Control"] == "no-store, private"
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert "医療費明細" in text.replace(" ", "")
    assert "パドコ歯科" in text
    assert "¥3,572" in text  # 1,628 + 1,944


def test_a_second_request_while_running_reuses_the_job(member_client, march):
    first = _request(member_client)  # on_commit not run: the job stays pending
    second = _request(member_client)

    assert first.url == second.url
    assert DocumentJob.objects.count() == 1
    assert "PDFが生成中です。" in member_client.get(first.url).content.decode()


def test_another_member_cannot_see_or_download_the_job(
    member_client, client, other_household_member, march, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request(member_client)
    job = DocumentJob.objects.get()
    client.force_login(other_household_member)

    assert client.get(f"/documents/{job.pk}/").status_code == 404
    assert client.get(f"/documents/{job.pk}/download/").status_code == 404
    assert client.get(f"/documents/{job.pk}/status/").status_code == 404


def test_dependents_pdf_holds_only_their_own_claims(
    client, dependent, march, django_capture_on_commit_callbacks
):
    client.force_login(dependent)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client)
    job = DocumentJob.objects.get()

    text = PdfReader(job.file.open("rb")).pages[0].extract_text()
    assert "パドコ歯科" in text and "サンプルクリニック" not in text


def test_a_failed_job_shows_retry_and_can_be_retried(
    member_client, march, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(job):
        raise RuntimeError("font missing")

    working = documents.RENDERERS["medical_statement"]
    monkeypatch.setitem(documents.RENDERERS, "medical_statement", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        _request(member_client)
    job = DocumentJob.objects.get()
    page = member_client.get(f"/documents/{job.pk}/").content.decode()
    monkeypatch.setitem(documents.RENDERERS, "medical_statement", working)

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(f"/documents/{job.pk}/retry/")

    assert "PDFを作成できませんでした。" in page and "再試行" in page
    job.refresh_from_db()
    assert job.state == DocumentJob.State.READY and job.attempts == 2


def test_expired_files_are_purged(member_client, march, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request(member_client)
    job = DocumentJob.objects.get()

    removed = documents.purge_expired(now=job.expires_at + dt.timedelta(seconds=1))

    assert removed == 1 and not DocumentJob.objects.exists()


def test_the_statement_reads_every_column_it_prints_in_its_one_query(
    insured, dependent, march, django_assert_num_queries
):
    """The statement's rows read only the columns the PDF prints (queries.STATEMENT_FIELDS):
    writing its table asks the database nothing more, however many rows."""
    for n in range(5):
        factories.ClaimFactory(
            person=dependent.person, service_month=march, provider_name=f"医院{n}", note=f"備考{n}"
        )
    with django_assert_num_queries(1):
        statement = queries.period_statement(insured, march, march)
    with django_assert_num_queries(0):
        html = render_to_string(
            "medical/statement_pdf.html",
            {"statement": statement, "start": march, "end": march, "owner": insured},
        )
    assert len(statement.rows) == 7 and "パドコ歯科" in html and "医院4" in html


# Real names as claims carry them: long ones, with 外字 and full-width spaces.
LONG_PROVIDER_NAMES = (
    "地方独立行政法人東京都立病院機構　東京都立広尾病院",
    "国立研究開発法人　国立がん研究センター中央病院",
    "社会福祉法人恩賜財団済生会支部東京都済生会中央病院",
    "医療法人社団　𠮷田会　𠮷田整形外科・リハビリテーションクリニック",
    "国家公務員共済組合連合会　虎の門病院分院",
    "医療法人社団　髙﨑会　髙﨑内科循環器科クリニック",
)


def _statement_pdf(owner, start, end) -> PdfReader:
    statement = queries.period_statement(owner, start, end)
    pdf = render_pdf(
        "medical/statement_pdf.html",
        {
            "statement": statement,
            "start": start,
            "end": end,
            "owner": owner,
            "union": owner.union,
            "issued_on": dt.date(2026, 4, 1),
        },
    )
    return PdfReader(io.BytesIO(pdf))


def _claims(insured, dependent, count: int) -> tuple[dt.date, dt.date]:
    """`count` claim lines, 60 a month from 2024/04, both persons, long provider names."""
    persons = [insured.person, dependent.person]
    claims = [
        factories.ClaimFactory.build(
            person=persons[n % 2],
            service_month=dt.date(2024 + (3 + n // 60) // 12, (3 + n // 60) % 12 + 1, 1),
            provider_name=f"{LONG_PROVIDER_NAMES[n % len(LONG_PROVIDER_NAMES)]}{n}",
            care_type=("outpatient", "dental", "pharmacy", "inpatient")[n % 4],
            days=n % 31 + 1,
            insurer_paid=2527,
            public_paid=0,
            patient_paid=1093,
        )
        for n in range(count)
    ]
    Claim.objects.bulk_create(claims)
    return dt.date(2024, 4, 1), claims[-1].service_month


def test_the_grand_total_is_printed_once_at_the_end(insured, dependent):
    reader = _statement_pdf(insured, *_claims(insured, dependent, 120))
    pages = [page.extract_text() for page in reader.pages]
    grand_total = "¥434,400"  # 120 × ¥3,620

    assert len(pages) > 1
    assert sum(page.count(grand_total) for page in pages) == 1
    assert grand_total in pages[-1]
    assert not any("合計" in page for page in pages[:-1])


def test_1200_long_claims_keep_names_and_rows_whole_on_a_page_per_25_rows(insured, dependent):
    reader = _statement_pdf(insured, *_claims(insured, dependent, 1200))

    # Target: at least 25 rows a page (before: 145 pages, 受診者 a character per line).
    assert len(reader.pages) <= 1200 / 25 + 2
    for page in reader.pages[:-1]:
        lines = page.extract_text().splitlines()
        # Every row starts with its 診療年月 followed by the whole 受診者 name.
        rows = [line for line in lines if line.startswith(("2024/", "2025/"))]
        names = {tuple(row.split()[1:3]) for row in rows}
        assert rows and names <= {("山田", "太郎"), ("山田", "花子")}
        # No row is split by the page break: each 医療機関 ends with its 診療区分/日数 on it.
        assert "".join(lines).count("日)") == len(rows)
