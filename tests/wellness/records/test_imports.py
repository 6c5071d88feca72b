"""The step import: Apple Health export.xml / export.zip and Health Connect / Google Fit CSV,
summed per day, idempotent, wrong files refused in Japanese, and the job's progress."""

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wellness.records import imports, queries
from wellness.records.models import RecordChange, StepImport

# A small Apple Health export: two sources on one day, a record crossing midnight in Tokyo,
# a heart rate (ignored), weights in kg and lb, a workout.
APPLE = (Path(__file__).parent / "apple_export.xml").read_text(encoding="utf-8")

GOOGLE_FIT = (
    "Date,Move Minutes count,Calories (kcal),Distance (m),Step count,Average weight (kg)\n"
    "2025-06-01,30,1800.5,4000.2,6012,70.1\n"
    "2025-06-02,12,1700.0,2000.0,3021,\n"
    "2025-06-03,0,1600.0,0,,\n"
)
HEALTH_CONNECT = (
    "start_time,end_time,count\n"
    "2025-06-01T08:00:00+09:00,2025-06-01T09:00:00+09:00,1000\n"
    "2025-06-01T20:00:00+09:00,2025-06-01T21:00:00+09:00,500\n"
    "2025-06-01T23:30:00Z,2025-06-02T00:00:00Z,250\n"
)


@pytest.fixture
def apple_xml(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(APPLE, encoding="utf-8")
    return path


def _upload(client, name, content):
    return client.post(
        reverse("wellness:records_import"), {"file": SimpleUploadedFile(name, content)}
    )


def _import(client, name, content, capture):
    with capture(execute=True):
        response = _upload(client, name, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    return StepImport.objects.latest("pk")


def test_apple_days_are_summed_per_source_and_the_largest_source_wins(apple_xml):
    totals = imports.read(apple_xml, "apple")
    # iPhone 1,200 + 800 = 2,000 beats the Watch's 1,500 on 06-01; 15:30 UTC is 00:30 in Tokyo.
    assert totals.steps() == {dt.date(2025, 6, 1): 2000, dt.date(2025, 6, 2): 300}
    weights = totals.weight()
    assert weights[dt.date(2025, 6, 1)] == Decimal("70.4")
    assert round(weights[dt.date(2025, 6, 2)], 1) == Decimal("69.9")  # 154 lb


def test_apple_xml_is_imported_through_the_job(
    records_client, insured, django_capture_on_commit_callbacks
):
    job = _import(records_client, "export.xml", APPLE.encode(), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == StepImport.State.READY
    assert (job.days_saved, job.rows_read) == (4, 7)
    assert queries.steps_on(insured.person, dt.date(2025, 6, 1)) == 2000
    assert queries.value_on(insured.person, "weight", dt.date(2025, 6, 2)) == Decimal("69.9")
    page = records_client.get(reverse("wellness:records_import_status", args=[job.pk]))
    assert "取り込みが完了しました。7件のデータから4日分を記録しました。" in page.content.decode()


def test_apple_zip_is_imported(
    records_client, insured, tmp_path, django_capture_on_commit_callbacks
):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        zipped.writestr("apple_health_export/export.xml", APPLE)
    job = _import(
        records_client, "export.zip", archive.read_bytes(), django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.state == StepImport.State.READY
    assert job.source == "apple"
    assert queries.steps_on(insured.person, dt.date(2025, 6, 2)) == 300


def test_reimporting_the_same_file_changes_nothing(
    records_client, insured, django_capture_on_commit_callbacks
):
    _import(records_client, "export.xml", APPLE.encode(), django_capture_on_commit_callbacks)
    changes = RecordChange.objects.count()
    again = _import(
        records_client, "export.xml", APPLE.encode(), django_capture_on_commit_callbacks
    )
    again.refresh_from_db()
    assert again.state == StepImport.State.READY
    assert RecordChange.objects.count() == changes
    assert queries.steps_between(insured.person, dt.date(2025, 6, 1), dt.date(2025, 6, 2)) == {
        dt.date(2025, 6, 1): 2000,
        dt.date(2025, 6, 2): 300,
    }


def test_google_fit_csv_is_imported(records_client, insured, django_capture_on_commit_callbacks):
    job = _import(
        records_client,
        "Daily activity metrics.csv",
        GOOGLE_FIT.encode("utf-8-sig"),
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.state == StepImport.State.READY
    assert job.source == "health_connect"
    assert queries.steps_on(insured.person, dt.date(2025, 6, 1)) == 6012
    assert queries.steps_on(insured.person, dt.date(2025, 6, 2)) == 3021
    assert queries.steps_on(insured.person, dt.date(2025, 6, 3)) is None
    assert queries.value_on(insured.person, "weight", dt.date(2025, 6, 1)) == Decimal("70.1")


def test_health_connect_rows_are_summed_per_tokyo_day(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text(HEALTH_CONNECT, encoding="utf-8")
    assert imports.detect(path)[0] == "health_connect"
    assert imports.read(path, "health_connect").steps() == {
        dt.date(2025, 6, 1): 1500,
        dt.date(2025, 6, 2): 250,  # 23:30 UTC is 08:30 the next day in Tokyo
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("claims.csv", "記号,番号,枝番,診療年月\n1001,10001,00,202501\n".encode()),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("other.xml", b'<?xml version="1.0"?><feed><entry/></feed>'),
        ("export.zip", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_file_of_another_format_is_refused(records_client, name, content):
    response = _upload(records_client, name, content)
    assert response.status_code == 200
    assert imports.WRONG_FILE in response.content.decode()
    assert not StepImport.objects.exists()


def test_a_zip_without_an_apple_export_is_refused(records_client, tmp_path):
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("photo.txt", "hello")
    response = _upload(records_client, "photos.zip", archive.read_bytes())
    assert imports.WRONG_FILE in response.content.decode()


def test_no_file_is_refused_in_japanese(records_client):
    response = records_client.post(reverse("wellness:records_import"), {})
    assert "ファイルを選んでください。" in response.content.decode()


def test_future_days_and_values_out_of_range_are_skipped(
    records_client, insured, today, django_capture_on_commit_callbacks
):
    tomorrow = today + dt.timedelta(days=1)
    csv = f"date,steps\n{today},5000\n{tomorrow},6000\n2025-01-01,100001\n"
    job = _import(records_client, "steps.csv", csv.encode(), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.days_saved, job.days_skipped) == (1, 2)
    assert queries.steps_on(insured.person, today) == 5000
    assert queries.steps_on(insured.person, tomorrow) is None


def test_a_broken_export_fails_with_a_japanese_message(
    records_client, django_capture_on_commit_callbacks
):
    broken = APPLE.encode()[: APPLE.index("<Workout")] + b"<Record type="
    job = _import(records_client, "export.xml", broken, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == StepImport.State.FAILED
    page = records_client.get(reverse("wellness:records_import_status", args=[job.pk]))
    assert imports.BROKEN_FILE in page.content.decode()


def test_progress_is_reported_as_the_file_is_read(tmp_path):
    path = tmp_path / "export.xml"
    record = (
        '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" '
        'startDate="2025-06-01 08:00:00 +0900" endDate="2025-06-01 08:10:00 +0900" value="1"/>\n'
    )
    count = (imports.PROGRESS_EVERY * 3) // len(record)
    with path.open("w") as file:
        file.write('<?xml version="1.0"?>\n<HealthData locale="ja_JP">\n')
        for _ in range(count):
            file.write(record)
        file.write("</HealthData>\n")
    reports = []
    totals = imports.read(path, "apple", reports.append)
    assert totals.steps() == {dt.date(2025, 6, 1): count}
    assert len(reports) >= 3
    assert reports == sorted(reports)


def test_the_progress_page_shows_the_percentage_and_refreshes(records_client, insured):
    job = StepImport.objects.create(
        person=insured.person,
        file_name="export.zip",
        source="apple",
        state=StepImport.State.RUNNING,
        bytes_total=1000,
        bytes_read=420,
    )
    page = records_client.get(reverse("wellness:records_import_status", args=[job.pk]))
    text = page.content.decode()
    assert "取り込み中です（42%）" in text
    assert 'http-equiv="refresh"' in text
    assert '<progress max="100" value="42">' in text


def test_the_job_runs_once(records_client, insured, django_capture_on_commit_callbacks):
    job = _import(records_client, "export.xml", APPLE.encode(), django_capture_on_commit_callbacks)
    assert imports.run(job.pk) == StepImport.State.READY  # a duplicate delivery: nothing to do
    assert RecordChange.objects.filter(item_key="steps").count() == 2


def test_another_members_import_is_a_404(records_client, other_household_member):
    theirs = StepImport.objects.create(
        person=other_household_member.person, file_name="export.zip", source="apple"
    )
    url = reverse("wellness:records_import_status", args=[theirs.pk])
    assert records_client.get(url).status_code == 404


def test_a_damaged_zip_fails_with_a_japanese_message(
    records_client, tmp_path, django_capture_on_commit_callbacks
):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("apple_health_export/export.xml", APPLE * 50)
    data = bytearray(archive.read_bytes())
    data[200:400] = b"\x00" * 200  # damage the deflated stream, keep the directory
    job = _import(records_client, "export.zip", bytes(data), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == StepImport.State.FAILED
    assert job.error == imports.BROKEN_FILE


def test_a_zip_with_another_export_xml_fails_as_the_wrong_file(
    records_client, tmp_path, django_capture_on_commit_callbacks
):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("backup/export.xml", '<?xml version="1.0"?><orders><order/></orders>')
    job = _import(
        records_client, "export.zip", archive.read_bytes(), django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.state == StepImport.State.FAILED
    assert job.error == imports.WRONG_FILE
    page = records_client.get(reverse("wellness:records_import_status", args=[job.pk]))
    assert imports.WRONG_FILE in page.content.decode()


def test_a_csv_header_is_read_even_when_the_first_4_kb_cut_a_character(tmp_path):
    path = tmp_path / "steps.csv"
    filler = "メモ" * 2000  # the first 4 KB end inside a three-byte character
    path.write_text(f"date,steps,memo\n2025-06-01,1000,{filler}\n", encoding="utf-8")
    assert (4096 - len(b"date,steps,memo\n2025-06-01,1000,")) % 3
    assert imports.detect(path)[0] == "health_connect"
