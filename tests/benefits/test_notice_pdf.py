"""BEN-2 「給付金支給決定通知書(PDF)」: rendered by Celery, downloaded, parsed back."""

import datetime as dt
import io
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from benefits import queries
from kosmo import documents
from kosmo.models import DocumentJob
from kosmo.pdf import render_pdf
from tests.benefits.factories import BenefitPaymentFactory


def _request(client, start="2024-12", end="2024-12", **extra):
    return client.post("/benefits/notice.pdf", {"start": start, "end": end, **extra})


def _text(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


def _job_text(job: DocumentJob) -> str:
    with job.file.open("rb") as pdf:
        return _text(pdf.read())


def test_notice_is_rendered_in_the_background_and_downloaded(
    member_client, union, manual_december, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(member_client)
    status = member_client.get(response.url)
    job = DocumentJob.objects.get()
    download = member_client.get(f"/documents/{job.pk}/download/")

    assert job.kind == "benefit_notice" and job.state == DocumentJob.State.READY
    assert "PDFのダウンロードの準備ができました。" in status.content.decode()
    assert download["Content-Disposition"] == (
        'attachment; filename="kyufukin_shikyu_kettei_202412-202412.pdf"; '
        f"filename*=utf-8''{quote('給付金支給決定通知書_2024年12月.pdf')}"
    )
    assert download["Cache-Control"] == "no-store, private"
    text = _text(b"".join(download.streaming_content))
    assert "給付金支給決定通知書" in text.replace(" ", "")
    assert "山田 太郎 様" in text
    assert text.count("インフルエンザ予防接種補助金") == 2
    assert "山田 花子" in text
    assert text.count("¥3,000") == 2 and "¥6,000" in text  # 合計
    assert "令和6年12月" in text  # 支給年月 and 診療年月 in 和暦
    assert "令和6年12月〜令和6年12月支給分" in text
    assert union.name in text and f"保険者番号 {union.insurer_number}" in text  # the issuer


def test_notice_dates_are_wareki_across_the_era_boundary(
    member_client, insured, types, django_capture_on_commit_callbacks
):
    BenefitPaymentFactory(
        person=insured.person,
        benefit_type=types["傷病手当金"],
        paid_month=dt.date(2019, 5, 1),
        decided_on=dt.date(2019, 5, 10),
        service_month=dt.date(2019, 4, 1),
        period_start=dt.date(2019, 4, 20),
        period_end=dt.date(2019, 5, 1),
        days=12,
        amount=98765,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _request(member_client, start="2019-05", end="2019-05")

    text = _job_text(DocumentJob.objects.get())
    flat = text.replace("\n", "")

    assert "令和元年5月" in text  # 支給年月
    assert "平成31年4月" in text  # 診療年月
    assert "平成31年4月20日〜令和元年5月1日" in flat  # 支給期間
    assert "令和元年5月10日" in flat  # 支給決定日
    assert "12日" in flat and "¥98,765" in text


def test_notice_holds_only_the_filtered_type_and_person(
    member_client, dependent, insured, types, django_capture_on_commit_callbacks
):
    may = dt.date(2024, 5, 1)
    BenefitPaymentFactory(person=insured.person, benefit_type=types["高額療養費"], paid_month=may)
    BenefitPaymentFactory(
        person=dependent.person,
        benefit_type=types["出産育児一時金"],
        paid_month=may,
        amount=500000,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _request(
            member_client,
            start="2024-01",
            end="2024-12",
            person=dependent.person.pk,
            benefit_type=types["出産育児一時金"].pk,
        )

    text = _job_text(DocumentJob.objects.get())

    assert "出産育児一時金" in text and "¥500,000" in text
    assert "高額療養費" not in text and "¥3,000" not in text


def test_dependents_notice_holds_only_their_own_payments(
    client, dependent, manual_december, django_capture_on_commit_callbacks
):
    client.force_login(dependent)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client)

    text = _job_text(DocumentJob.objects.get())

    assert "山田 花子 様" in text
    assert text.count("¥3,000") == 2  # her row and the 合計
    assert "山田 太郎" not in text


def test_another_household_cannot_see_or_download_the_notice(
    member_client, client, other_household_member, manual_december,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _request(member_client)
    job = DocumentJob.objects.get()
    client.force_login(other_household_member)

    for suffix in ("", "status/", "download/"):
        assert client.get(f"/documents/{job.pk}/{suffix}").status_code == 404
    assert client.post(f"/documents/{job.pk}/retry/").status_code == 404


def test_another_unions_member_cannot_reach_the_notice_from_their_portal(
    member_client, client, other_union_member, manual_december,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _request(member_client)
    job = DocumentJob.objects.get()
    other = other_union_member.union
    other.domain = "localhost"
    other.save()
    client.force_login(other_union_member)

    for suffix in ("", "status/", "download/"):
        assert client.get(f"/documents/{job.pk}/{suffix}", HTTP_HOST="localhost").status_code == 404
    # On this union's portal they are not a member at all.
    assert client.get(f"/documents/{job.pk}/download/").status_code == 403


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"start": "", "end": "2023-12"},
            "「から」を指定してください。省略すると2024/01からになり、「まで」より後になります。",
        ),
        ({"start": "2024-13"}, "支給年月は「2025-01」の形式で入力してください。"),
        (
            {"start": "2024-12", "end": "2024-01"},
            "「まで」は「から」以降の年月を指定してください。",
        ),
    ],
)
def test_a_bad_period_answers_with_the_pages_message_and_queues_nothing(
    member_client, manual_december, bad, message
):
    response = member_client.post(
        "/benefits/notice.pdf", {"start": "2024-12", "end": "2024-12", **bad}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "給付金支給決定通知書(PDF)" not in html
    assert not DocumentJob.objects.exists()


def test_a_blank_period_is_the_newest_year(member_client, manual_december):
    assert member_client.post("/benefits/notice.pdf", {"start": "", "end": ""}).status_code == 302
    assert DocumentJob.objects.get().params["start"] == "2024-01"


def test_another_households_person_in_the_form_is_404(
    member_client, other_household_member, manual_december
):
    response = _request(member_client, person=other_household_member.person.pk)

    assert response.status_code == 404
    assert not DocumentJob.objects.exists()


def test_the_pdf_is_asked_for_with_post_only(member_client, manual_december):
    assert member_client.get("/benefits/notice.pdf").status_code == 405


def test_a_double_click_reuses_the_pending_job(member_client, manual_december):
    first = _request(member_client)  # on_commit not run: the job stays pending
    second = _request(member_client)

    assert first.url == second.url
    assert DocumentJob.objects.count() == 1
    assert "PDFが生成中です。" in member_client.get(first.url).content.decode()


def test_a_failed_notice_can_be_retried(
    member_client, manual_december, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(job):
        raise RuntimeError("font missing")

    working = documents.RENDERERS["benefit_notice"]
    monkeypatch.setitem(documents.RENDERERS, "benefit_notice", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        _request(member_client)
    job = DocumentJob.objects.get()
    page = member_client.get(f"/documents/{job.pk}/").content.decode()
    monkeypatch.setitem(documents.RENDERERS, "benefit_notice", working)

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(f"/documents/{job.pk}/retry/")

    job.refresh_from_db()
    assert "PDFを作成できませんでした。" in page and "再試行" in page
    assert job.state == DocumentJob.State.READY and job.attempts == 2
    assert "¥6,000" in _job_text(job)


def _monthly_sickness_allowance(person, types, first: dt.date, months: int) -> dt.date:
    """傷病手当金 paid every month from `first`, with every column filled; the last month."""
    for n in range(months):
        month = dt.date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
        BenefitPaymentFactory(
            person=person,
            benefit_type=types["傷病手当金"],
            paid_month=month,
            decided_on=month.replace(day=10),
            service_month=month,
            period_start=month,
            period_end=month.replace(day=28),
            days=28,
            amount=214500,
            note="待期期間満了後の継続給付",
        )
    return month


def _notice_pages(owner, union, start: dt.date, end: dt.date) -> list[str]:
    person = owner.person
    pdf = render_pdf(
        "benefits/notice_pdf.html",
        {
            "statement": queries.period_statement(owner, start, end),
            "start": start,
            "end": end,
            "addressee": person,
            "household": person.household,
            "union": union,
            "issued_on": dt.date(2026, 4, 1),
        },
    )
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_years_monthly_notice_fits_on_one_page_with_its_note(insured, union, types):
    union.postal_code, union.address = "100-0005", "東京都千代田区丸の内一丁目1番1号"
    union.contact_phone = "03-1234-5678"
    union.save()
    start = dt.date(2025, 4, 1)
    end = _monthly_sickness_allowance(insured.person, types, start, 12)

    pages = _notice_pages(insured, union, start, end)

    assert len(pages) == 1
    assert pages[0].count("傷病手当金") == 12 and "¥2,574,000" in pages[0]
    assert "※ 給付金は、ご登録の口座へお振り込みします。" in pages[0]


def test_a_long_notice_prints_its_total_once_and_never_the_note_alone(insured, union, types):
    start = dt.date(2023, 4, 1)
    end = _monthly_sickness_allowance(insured.person, types, start, 40)

    pages = _notice_pages(insured, union, start, end)

    assert len(pages) > 1
    assert [page.count("¥8,580,000") for page in pages] == [0] * (len(pages) - 1) + [1]
    assert not any("合計" in page for page in pages[:-1])
    assert "傷病手当金" in pages[-1] and "※ 給付金は" in pages[-1]
