"""Step import beyond the manual: Apple Health exports and Health Connect / Google Fit CSVs.

Formats read:

- Apple Health: the `export.zip` iPhone's ヘルスケア writes (its `apple_health_export/export.xml`)
  or that `export.xml` alone. `<Record type="HKQuantityTypeIdentifierStepCount">` values are
  summed per day (the day of `startDate` in Asia/Tokyo) and per `sourceName`; a day's steps are
  its largest source's sum, since an iPhone and a Watch both count the same walk.
  `HKQuantityTypeIdentifierBodyMass` gives the day's last weight (kg; lb converted).
- CSV (UTF-8): a date column (`Date`, `date`, `start_time`, `Start time`, `日付`: a date or an
  ISO date-time) and a steps column (`Step count`, `steps`, `count`, `歩数`), optionally a weight
  column (`Average weight (kg)`, `weight`, `weight_kg`, `体重`). Google Fit's Takeout
  「Daily activity metrics」 summary has this shape; so do Health Connect exporting apps'
  step records. Rows of the same day are summed (steps) or the last one taken (weight).

The XML is read streaming (lxml `iterparse`, each element dropped once read), so memory stays
bounded whatever the file's size: only a total per day and source is kept. The sums replace the
days' values through `services.record_values`, so importing the same file again changes
nothing. Future days and values outside an item's range are skipped and counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from lxml import etree

from kosmo.storage import StoreUnavailable, is_missing, store_errors
from wellness.records.models import Source, StepImport

WRONG_FILE = (
    "このファイルは取り込めません。iPhone の「ヘルスケア」から書き出した export.zip "
    "(または export.xml)、Health Connect / Google Fit の CSV ファイルを選んでください。"
)
BROKEN_FILE = "ファイルを最後まで読み込めませんでした。書き出し直したファイルを選んでください。"
TOKYO = ZoneInfo("Asia/Tokyo")
STEP_TYPE = "HKQuantityTypeIdentifierStepCount"
WEIGHT_TYPE = "HKQuantityTypeIdentifierBodyMass"
POUND = Decimal("0.45359237")
PROGRESS_EVERY = 4 * 1024 * 1024  # report progress every 4 MB read

DATE_COLUMNS = ("Date", "date", "start_time", "startTime", "Start time", "日付")
STEP_COLUMNS = ("Step count", "steps", "count", "step_count", "歩数")
WEIGHT_COLUMNS = ("Average weight (kg)", "weight", "weight_kg", "体重")


class ImportRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DayTotals:
    """What an import found: steps per day (largest source) and the last weight per day."""

    def __init__(self) -> None:
        self.steps_by_source: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
        self.weights: dict[dt.date, tuple[str, Decimal]] = {}
        self.rows = 0

    def add_steps(self, day: dt.date, source: str, value: Decimal) -> None:
        self.steps_by_source[day, source] += value

    def add_weight(self, day: dt.date, at: str, value: Decimal) -> None:
        if day not in self.weights or self.weights[day][0] <= at:
            self.weights[day] = (at, value)

    def steps(self) -> dict[dt.date, Decimal]:
        days: dict[dt.date, Decimal] = {}
        for (day, _source), total in self.steps_by_source.items():
            days[day] = max(days.get(day, Decimal(0)), total)
        return days

    def weight(self) -> dict[dt.date, Decimal]:
        return {day: value for day, (_at, value) in self.weights.items()}


class CountingReader(io.RawIOBase):
    """A binary stream that reports how many bytes were read (for the progress page)."""

    def __init__(self, stream, report: Callable[[int], None]) -> None:
        super().__init__()
        self.stream, self.report, self.read_bytes, self.next_report = stream, report, 0, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.read_bytes += size
        if self.read_bytes >= self.next_report:
            self.report(self.read_bytes)
            self.next_report = self.read_bytes + PROGRESS_EVERY
        return size


# --- Telling the formats apart (before the job is queued) ---------------------------------------


@contextmanager
def _binary(file) -> Iterator:
    """A path opened for reading, or a binary file (an upload, a stored file) from its start."""
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as opened:
            yield opened
        return
    file.seek(0)
    yield file


def detect(file) -> tuple[str, int]:
    """(the file's Source, the bytes its import will read), or ImportRefused(WRONG_FILE).
    `file` is a path or a binary file (the upload, before anything is stored)."""
    with _binary(file) as stream:
        head = stream.read(4096)
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(stream) as archive:
                    member = _export_member(archive)
            except zipfile.BadZipFile:
                raise ImportRefused(WRONG_FILE) from None
            return Source.APPLE, member.file_size
        size = stream.seek(0, io.SEEK_END)
    if b"<!DOCTYPE HealthData" in head or b"<HealthData" in head:
        return Source.APPLE, size
    if head.lstrip().startswith(b"<"):
        raise ImportRefused(WRONG_FILE)
    # The first line only; a character cut at the 4 KB boundary does not matter.
    lines = head.decode("utf-8-sig", errors="ignore").splitlines()
    if not lines:
        raise ImportRefused(WRONG_FILE)
    first_line = lines[0]
    header = next(csv.reader([first_line]))
    if _column(header, DATE_COLUMNS) and (
        _column(header, STEP_COLUMNS) or _column(header, WEIGHT_COLUMNS)
    ):
        return Source.HEALTH_CONNECT, size
    raise ImportRefused(WRONG_FILE)


def _export_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    for info in archive.infolist():
        if info.filename.rsplit("/", 1)[-1] == "export.xml":
            return info
    raise ImportRefused(WRONG_FILE)


def _column(header: Iterable[str], names: tuple[str, ...]) -> str | None:
    present = {name.strip(): name for name in header}
    return next((present[name] for name in names if name in present), None)


# --- Reading ------------------------------------------------------------------------------------


def read(file, source: str, report: Callable[[int], None] = lambda n: None) -> DayTotals:
    """Read the whole file (a path or a binary file) into day totals, reporting the bytes
    read as it goes."""
    with _binary(file) as stream:
        if source == Source.APPLE:
            zipped = stream.read(4) == b"PK\x03\x04"
            stream.seek(0)
            if zipped:
                with (
                    zipfile.ZipFile(stream) as archive,
                    archive.open(_export_member(archive)) as xml,
                ):
                    return read_apple(CountingReader(xml, report))
            return read_apple(CountingReader(stream, report))
        return read_csv(CountingReader(stream, report))


def _day(stamp: str) -> dt.date:
    """The Tokyo date of Apple's "2024-05-01 23:30:00 +0900" (other offsets converted)."""
    if stamp.endswith("+0900"):
        return dt.date(int(stamp[0:4]), int(stamp[5:7]), int(stamp[8:10]))
    moment = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S %z")
    return moment.astimezone(TOKYO).date()


def read_apple(stream) -> DayTotals:
    totals = DayTotals()
    parser = etree.iterparse(
        stream,
        events=("end",),
        tag=("Record", "Workout", "ActivitySummary", "Correlation", "ClinicalRecord", "Me"),
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    )
    try:
        for _event, element in parser:
            if element.tag == "Record":
                kind = element.get("type")
                try:
                    if kind == STEP_TYPE:
                        totals.add_steps(
                            _day(element.get("startDate")),
                            element.get("sourceName", ""),
                            Decimal(element.get("value")),
                        )
                    elif kind == WEIGHT_TYPE:
                        value = Decimal(element.get("value"))
                        if element.get("unit") == "lb":
                            value *= POUND
                        start = element.get("startDate")
                        totals.add_weight(_day(start), start, value)
                except (TypeError, ValueError, InvalidOperation):
                    pass  # a record without a readable date or value counts for nothing
                totals.rows += 1
            # Drop what has been read: the element, and the siblings before it under the root.
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None and parent.getparent() is None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError:
        raise ImportRefused(BROKEN_FILE if totals.rows else WRONG_FILE) from None
    if parser.root is None or parser.root.tag != "HealthData":
        raise ImportRefused(WRONG_FILE)  # well-formed XML, but not an Apple export
    return totals


def _csv_day(text: str) -> dt.date:
    text = text.strip()
    if len(text) == 10:
        return dt.date.fromisoformat(text.replace("/", "-"))
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(TOKYO).date()


def read_csv(stream) -> DayTotals:
    text = io.TextIOWrapper(io.BufferedReader(stream), encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    header = reader.fieldnames or []
    date_column = _column(header, DATE_COLUMNS)
    step_column = _column(header, STEP_COLUMNS)
    weight_column = _column(header, WEIGHT_COLUMNS)
    if date_column is None or (step_column is None and weight_column is None):
        raise ImportRefused(WRONG_FILE)
    totals = DayTotals()
    try:
        for number, row in enumerate(reader, start=2):
            totals.rows += 1
            try:
                day = _csv_day(row[date_column] or "")
            except ValueError:
                continue
            for column, add in ((step_column, "steps"), (weight_column, "weight")):
                raw = (row.get(column) or "").strip().replace(",", "") if column else ""
                if not raw:
                    continue
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    continue
                if add == "steps":
                    totals.add_steps(day, "", value)
                else:
                    totals.add_weight(day, f"{number:012d}", value)
    except UnicodeDecodeError:
        raise ImportRefused(WRONG_FILE) from None
    return totals


# --- The job ------------------------------------------------------------------------------------


def _storage():
    from django.core.files.storage import storages

    return storages["private"]


def start(*, person, upload) -> StepImport:
    """Check the upload's format from its content (ImportRefused: nothing is stored), store it
    privately (StoreUnavailable: nothing is kept) and queue the import once the job row is
    committed."""
    from django.db import transaction

    from wellness.records import tasks

    source, total = detect(upload)
    upload.seek(0)
    with store_errors():
        stored = _storage().save(f"step_imports/{person.pk}/{upload.name}", upload)
    job = StepImport.objects.create(
        person=person,
        file_name=upload.name[:255],
        stored_name=stored,
        size=upload.size,
        source=source,
        bytes_total=total,
    )
    transaction.on_commit(lambda: tasks.import_health_file.delay(job.pk))
    return job


def run(job_id: int) -> str:
    """Import one job's file (idempotent: a finished job is left alone, a job interrupted
    while running is read again from the start, and the same sums save nothing twice)."""
    from django.db import transaction

    from wellness.records import services
    from wellness.records.items import STEPS, WEIGHT, Items

    with transaction.atomic():
        job = StepImport.objects.select_for_update().select_related("person").get(pk=job_id)
        if job.finished:
            return job.state
        job.state, job.bytes_read, job.error = StepImport.State.RUNNING, 0, ""
        job.save(update_fields=["state", "bytes_read", "error"])

    def report(read_bytes: int) -> None:
        StepImport.objects.filter(pk=job_id).update(bytes_read=read_bytes)

    try:
        # The worker reads the file from the store (a temporary copy spooled to its disk).
        with store_errors(), _storage().open(job.stored_name, "rb") as stored:
            totals = read(stored, job.source, report)
    except StoreUnavailable as unavailable:
        if not is_missing(unavailable.__cause__):
            raise  # the task retries: the file is read again once the store answers
        return _finish(job, StepImport.State.FAILED, error=BROKEN_FILE)  # the store lost it
    except ImportRefused as refused:
        return _finish(job, StepImport.State.FAILED, error=refused.message)
    except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError):
        # a truncated download or a damaged archive: the member exports again
        return _finish(job, StepImport.State.FAILED, error=BROKEN_FILE)
    items = Items.for_union(job.person.household.union)
    today = services.today()
    saved = skipped = 0
    with transaction.atomic():
        for key, days in ((STEPS, totals.steps()), (WEIGHT, totals.weight())):
            item = items.get(key)
            if item is None:
                continue
            days = {day: item.quantize(value) for day, value in days.items()}
            accepted = {d: v for d, v in days.items() if d <= today and item.in_range(v)}
            skipped += len(days) - len(accepted)
            saved += len(accepted)
            services.record_values(person=job.person, item=item, values=accepted, source=job.source)
        job.rows_read, job.days_saved, job.days_skipped = totals.rows, saved, skipped
        job.bytes_read = job.bytes_total
        _finish(job, StepImport.State.READY)
    return job.state


def _finish(job: StepImport, state: str, *, error: str = "") -> str:
    from django.utils import timezone

    # The export holds years of health data: not kept. Removed first, so that a store that
    # is down leaves the job unfinished, to be read again and removed when the task retries.
    with store_errors():
        _storage().delete(job.stored_name)
    job.state, job.error, job.finished_at = state, error, timezone.now()
    job.save()
    return state
