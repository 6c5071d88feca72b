"""ELG-1 資格情報のお知らせ (manual §4-18): birth-date check per row, then the PDF in the
background through kosmo.documents, downloadable only by its owner."""

import datetime as dt
import io
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from kosmo import documents
from kosmo.dates import format_wareki
from kosmo.models import DocumentJob
from tests import factories

URL = "/eligibility/notice/"
ASK = "資格情報のお知らせのPDFをダウンロードし、生年月日を入力し送信していただく必要があります。"
GENERATING = "PDFが生成中です。ダウンロード準備が完了するまでしばらくお待ちください。"
READY = "資格情報のお知らせダウンロードの準備ができました"
VERIFIED = "認証済みです。"
MISMATCH = "入力された生年月日が登録されている生年月日と一致しません。"
INVALID = "生年月日を正しく入力してください(年は西暦4桁、月・日は数字)。"
REQUIRED = "生年月日を入力してください。"
LOCKED = (
    "生年月日の認証に続けて失敗したため、現在ご利用いただけません。"
    "15分ほど時間をおいてから再度お試しください。"
)
INSURED_ONLY = (
    "※当機能は、被保険者の方のみご利用いただけます。"
    "被扶養者の方の資格情報のお知らせは、被保険者の方が出力してください。"
)


def _post(client, person, year, month, day):
    prefix = f"p{person.pk}"
    return client.post(
        URL,
        {
            "person": person.pk,
            f"{prefix}-year": year,
            f"{prefix}-month": month,
            f"{prefix}-day": day,
        },
    )


def _verify(client, person):
    d = person.birth_date
    return _post(client, person, str(d.year), str(d.month), str(d.day))


def _pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", "", text)


def _row(html: str, person) -> str:
    start = html.index(f'id="person-{person.pk}"')
    end = html.find("</tr>", start)
    return html[start:end]


def test_insured_member_sees_a_row_per_household_person(member_client, insured, dependent, child):
    html = member_client.get(URL).content.decode()

    assert [name for name in ("山田 太郎", "山田 花子", "山田 一郎") if name in html] == [
        "山田 太郎",
        "山田 花子",
        "山田 一郎",
    ]
    assert html.count(ASK) == 3
    assert html.count('name="person"') == 3
    assert "山田 太郎 の生年月日認証" in html


def test_a_person_whose_coverage_ended_has_no_row(member_client, household, insured):
    gone = factories.DependentFactory(
        household=household,
        given_name="次郎",
        qualified_on=dt.date(2015, 4, 1),
        disqualified_on=dt.date(2020, 3, 31),
    )

    html = member_client.get(URL).content.decode()

    assert "山田 次郎" not in html
    assert _post(member_client, gone, "1981", "3", "3").status_code == 404


def test_the_right_birth_date_starts_the_pdf_and_the_row_says_so(member_client, insured, dependent):
    response = _verify(member_client, dependent.person)

    assert response.status_code == 302
    assert response.url == f"{URL}#person-{dependent.person.pk}"
    job = DocumentJob.objects.get()
    assert (job.owner, job.kind, job.params) == (
        insured,
        "eligibility_notice",
        {"person": dependent.person.pk},
    )
    assert job.state == DocumentJob.State.PENDING  # queued once the request commits
    html = member_client.get(URL).content.decode()
    row = _row(html, dependent.person)
    assert VERIFIED in row
    assert GENERATING in row
    assert f'data-status-url="/documents/{job.pk}/status/"' in row
    assert ASK in _row(html, insured.person)  # the other rows are untouched


def test_the_pdf_carries_the_statutory_items_in_wareki(
    member_client, insured, dependent, union, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _verify(member_client, dependent.person)
    job = DocumentJob.objects.get()
    html = member_client.get(URL).content.decode()
    download = member_client.get(f"/documents/{job.pk}/download/")

    assert job.state == DocumentJob.State.READY
    assert READY in _row(html, dependent.person)
    assert f'href="/documents/{job.pk}/download/"' in _row(html, dependent.person)
    household = dependent.person.household
    assert download["Content-Disposition"] == (
        f'attachment; filename="shikaku_joho_{household.number}_01.pdf"; '
        f"filename*=utf-8''{quote('資格情報のお知らせ_山田花子.pdf')}"
    )
    text = _pdf_text(download)
    for expected in (
        "資格情報のお知らせ",
        "山田花子",
        "ヤマダハナコ",
        "性別女",
        "生年月日昭和56年3月3日",  # 1981-03-03
        "資格取得年月日平成27年4月1日",  # 2015-04-01
        f"交付年月日{format_wareki(timezone.localdate())}",
        f"記号{household.symbol}番号{household.number}枝番01",
        f"保険者番号{union.insurer_number}",
        "保険者名称コスモ健康保険組合",
        "被保険者氏名山田太郎",
        "家族(配偶者)",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("year", "month", "day", "message"),
    [
        ("1981", "3", "4", MISMATCH),
        ("1981", "2", "30", INVALID),
        ("81", "3", "3", INVALID),
        ("一九八一", "3", "3", INVALID),
        ("19811", "3", "3", INVALID),
        ("1981", "003", "3", INVALID),
        ("1981", "", "3", REQUIRED),
        ("", "", "", REQUIRED),
    ],
)
def test_a_wrong_birth_date_gets_a_clear_message_and_no_pdf(
    member_client, insured, dependent, year, month, day, message
):
    response = _post(member_client, dependent.person, year, month, day)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(message) == 2  # the summary at the top and the row
    assert f'aria-describedby="p{dependent.person.pk}-error"' in html
    assert f'value="{year}"' in _row(html, dependent.person) or not year  # input kept
    assert not DocumentJob.objects.exists()


def test_full_width_digits_are_accepted(member_client, insured):
    response = _post(member_client, insured.person, "１９７９", "０８", "２２")

    assert response.status_code == 302
    assert DocumentJob.objects.count() == 1


def test_five_wrong_birth_dates_lock_the_check_for_the_account(
    member_client, insured, dependent, other_household_member, client
):
    for _ in range(5):
        assert MISMATCH in _post(member_client, dependent.person, "1990", "1", "1").content.decode()

    locked = _verify(member_client, dependent.person)  # even the right date, now

    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert not DocumentJob.objects.exists()
    # Another account is not affected.
    client.force_login(other_household_member)
    assert _verify(client, other_household_member.person).status_code == 302


def test_four_wrong_dates_still_leave_the_right_one_through(member_client, insured):
    for _ in range(4):
        _post(member_client, insured.person, "1990", "1", "1")

    assert _verify(member_client, insured.person).status_code == 302


def test_a_second_request_while_generating_does_not_start_another_job(member_client, insured):
    first = _verify(member_client, insured.person)
    second = _verify(member_client, insured.person)

    assert first.status_code == second.status_code == 302
    assert DocumentJob.objects.count() == 1


def test_a_failed_pdf_shows_the_failure_and_retry_renders_it(
    member_client, insured, dependent, django_capture_on_commit_callbacks
):
    _verify(member_client, dependent.person)
    job = DocumentJob.objects.get()
    person = dependent.person
    # The person lost coverage before the worker took the job: rendering refuses it.
    person.disqualified_on = timezone.localdate() - dt.timedelta(days=1)
    person.save()
    with pytest.raises(LookupError):
        documents.run(job.pk)
    person.disqualified_on = None
    person.save()

    html = member_client.get(URL).content.decode()
    row = _row(html, person)
    assert "PDFを作成できませんでした。お手数ですが、もう一度お試しください。" in row
    assert f'action="/eligibility/notice/{job.pk}/retry/"' in row

    with django_capture_on_commit_callbacks(execute=True):
        retried = member_client.post(f"/eligibility/notice/{job.pk}/retry/")

    assert retried.status_code == 302 and retried.url == URL
    job.refresh_from_db()
    assert (job.state, job.attempts) == (DocumentJob.State.READY, 2)
    assert READY in _row(member_client.get(URL).content.decode(), person)


def test_an_expired_notice_asks_for_the_birth_date_again(member_client, insured):
    _verify(member_client, insured.person)
    DocumentJob.objects.update(
        state=DocumentJob.State.READY, expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert ASK in _row(member_client.get(URL).content.decode(), insured.person)


def test_a_dependent_is_told_the_insured_person_outputs_it(client, insured, dependent):
    client.force_login(dependent)

    page = client.get(URL)
    post = _verify(client, dependent.person)

    assert page.status_code == 200
    assert INSURED_ONLY in page.content.decode()
    assert 'name="person"' not in page.content.decode()
    assert post.status_code == 403
    assert INSURED_ONLY in post.content.decode()
    assert not DocumentJob.objects.exists()


def test_another_households_person_cannot_be_requested(
    member_client, insured, other_household_member, other_union_member
):
    for person in (other_household_member.person, other_union_member.person):
        assert _verify(member_client, person).status_code == 404
    assert not DocumentJob.objects.exists()


@pytest.mark.parametrize("posted", [None, "", "abc", "1.5", "99999999"])
def test_a_missing_or_tampered_person_id_is_a_404(member_client, insured, posted):
    data = {"p0-year": "1979", "p0-month": "8", "p0-day": "22"}
    if posted is not None:
        data["person"] = posted

    assert member_client.post(URL, data).status_code == 404
    assert not DocumentJob.objects.exists()


def test_another_members_notice_cannot_be_downloaded_or_retried(
    client, insured, other_household_member, django_capture_on_commit_callbacks
):
    client.force_login(other_household_member)
    with django_capture_on_commit_callbacks(execute=True):
        _verify(client, other_household_member.person)
    job = DocumentJob.objects.get()
    DocumentJob.objects.filter(pk=job.pk).update(state=DocumentJob.State.FAILED)
    client.force_login(insured)

    assert client.get(f"/documents/{job.pk}/download/").status_code == 404
    assert client.get(f"/documents/{job.pk}/status/").status_code == 404
    assert client.post(f"/eligibility/notice/{job.pk}/retry/").status_code == 404
    job.refresh_from_db()
    assert job.state == DocumentJob.State.FAILED


def test_retry_of_another_kind_of_job_is_a_404(member_client, insured):
    job = DocumentJob.objects.create(
        owner=insured, kind="medical_statement", params={}, state=DocumentJob.State.FAILED
    )

    assert member_client.post(f"/eligibility/notice/{job.pk}/retry/").status_code == 404


def test_signed_out_visitors_go_to_the_login(client, insured):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_page_costs_the_same_queries_with_a_bigger_household(member_client, insured, household):
    _verify(member_client, insured.person)
    member_client.get(URL)  # warm the union cache
    with CaptureQueriesContext(connection) as small:
        member_client.get(URL)
    for branch in range(1, 8):
        person = factories.DependentFactory(household=household, branch=f"{branch:02d}")
        _verify(member_client, person)
    with CaptureQueriesContext(connection) as large:
        html = member_client.get(URL).content.decode()

    assert html.count(VERIFIED) == 8
    # Session and account (the core's), the household's persons, their jobs.
    assert len(small) == len(large) <= 4
