"""Importing the union's 給付金 payments from CSV (`manage.py import_benefits`).

The layout is documented column by column in docs/benefits.md. Like the medical imports, an
import:

- reads a CSV file in UTF-8 (with or without BOM) or Shift_JIS (CP932), detected automatically;
- addresses columns by their header name (order and extra columns do not matter);
- checks row by row; a bad row is reported with its line number and the reasons, good rows are
  kept; a file that cannot be read as a whole is refused (`ImportRefused`) and changes nothing;
- runs in one transaction and records a `BenefitImport` (counts and the rejected rows);
- replaces by (対象者, 支給年月): every pair present among the file's good rows loses all its
  existing payments and gets the file's rows, so importing the same file twice, or a corrected
  file, leaves exactly the file's rows.

Payment files are small (a union's month of decisions), so a file is read whole; no staging
table is needed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from benefits.models import BenefitImport, BenefitPayment, BenefitType
from kosmo.models import Person, Union

Source = str | os.PathLike | IO[bytes]

# --- Messages (docs/benefits.md lists them; tests assert them verbatim) -------------------------

ENCODING_REFUSED = (
    "文字コードを判別できません。UTF-8 または Shift_JIS (CP932) で保存した CSV ファイルを"
    "指定してください。"
)
NO_HEADER = "ヘッダー行がありません。1行目に列名を入れてください。"
ALREADY_IMPORTED = "同じファイルは取り込み済みです。"

REQUIRED = ("記号", "番号", "枝番", "支給年月", "給付種別", "支給金額")
OPTIONAL = ("支給決定日", "診療年月", "支給期間開始", "支給期間終了", "日数", "備考")

MAX_AMOUNT = 2_147_483_647  # PositiveIntegerField on PostgreSQL
MAX_DAYS = 366
MAX_NOTE = 100
BATCH = 1_000
# Nothing here comes close to SQLite's 999 parameters per statement.
DELETE_CHUNK = 500


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Rejection:
    """A row that was not imported: its line in the file, why, and its values as read."""

    line: int
    reasons: list[str]
    row: dict[str, str]

    @property
    def reason(self) -> str:
        return " / ".join(self.reasons)

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "reasons": self.reasons, "row": self.row}


@dataclass
class ImportResult:
    """What one import did (or, in a dry run, would do)."""

    file_name: str
    sha256: str
    encoding: str = ""
    header: list[str] = field(default_factory=list)
    rows_total: int = 0
    rows_imported: int = 0
    rows_replaced: int = 0  # existing payments deleted
    months_replaced: int = 0  # (対象者, 支給年月) pairs replaced
    rejections: list[Rejection] = field(default_factory=list)
    already_imported: bool = False
    dry_run: bool = False
    batch: BenefitImport | None = None

    @property
    def rows_rejected(self) -> int:
        return len(self.rejections)


# --- Public API ---------------------------------------------------------------------------------


def import_benefits(
    *,
    union: Union,
    source: Source,
    file_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> ImportResult:
    """Import a payments CSV (給付金支給明細) for `union`.

    Every (対象者, 支給年月) present among the file's valid rows has all its existing payments
    replaced by the file's rows; other months and persons are untouched. Bad rows are rejected
    with their line number and reasons and the rest are imported, in one transaction. If the
    union's last import was this very file (same SHA-256), nothing is done and the result says
    `already_imported` unless `force`. With `dry_run` everything is checked and counted, and
    nothing is written. Raises `ImportRefused` for a file that cannot be read as a whole.
    """
    with _open_source(source) as stream:
        raw = stream.read()
    name = file_name or _name_of(source)
    digest = hashlib.sha256(raw).hexdigest()
    encoding, text = _decode(raw)
    result = ImportResult(file_name=name, sha256=digest, encoding=encoding, dry_run=dry_run)
    records = _records(text)
    result.header = _checked_header(records)
    with transaction.atomic():
        _one_import_at_a_time(union)
        if not force and _last_import_was(union, digest):
            result.already_imported = True
            return result
        batch = BenefitImport.objects.create(union=union, file_name=name, sha256=digest)
        payments = _parse(union, records, result)
        result.months_replaced, result.rows_replaced = _delete_replaced(payments)
        for payment in payments:
            payment.batch_id = batch.pk
        BenefitPayment.objects.bulk_create(payments, batch_size=BATCH)
        result.rows_imported = len(payments)
        _finish(batch, result)
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.batch = batch
    return result


def write_rejections_csv(result: ImportResult, path: str | os.PathLike) -> None:
    """Write every rejected row to `path` (UTF-8 with BOM, so Excel opens it as is):
    行番号, 理由, then the file's own columns with the values as read."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["行番号", "理由", *result.header])
        for rejection in result.rejections:
            writer.writerow(
                [
                    rejection.line,
                    rejection.reason,
                    *(rejection.row.get(name, "") for name in result.header),
                ]
            )


def summary_lines(result: ImportResult, *, show_errors: int = 20) -> list[str]:
    """The operator's summary in Japanese: counts, then the first `show_errors` rejections."""
    if result.already_imported:
        return [f"給付金「{result.file_name}」: {ALREADY_IMPORTED}変更はありません。"]
    verb = (
        "を確認しました（試行のため何も変更していません）" if result.dry_run else "を取り込みました"
    )
    lines = [f"給付金「{result.file_name}」{verb}。文字コード: {result.encoding}"]
    lines.append(f"  データ行数: {result.rows_total:,}件")
    lines.append(
        f"  取り込み件数: {result.rows_imported:,}件（対象者・支給年月 "
        f"{result.months_replaced:,}組、置き換えた既存の行 {result.rows_replaced:,}件）"
    )
    lines.append(f"  エラー件数: {result.rows_rejected:,}件")
    for rejection in result.rejections[:show_errors]:
        lines.append(f"    {rejection.line}行目: {rejection.reason}")
    if result.rows_rejected > show_errors:
        lines.append(
            f"    ほか {result.rows_rejected - show_errors:,}件"
            "（--report でエラー行をすべて書き出せます）"
        )
    return lines


# --- Reading the file ---------------------------------------------------------------------------


class _open_source:  # noqa: N801 - used as a context manager like open()
    """A binary stream over a path or an already open file (left open)."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.opened: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if hasattr(self.source, "read"):
            self.source.seek(0)
            return self.source
        try:
            self.opened = open(self.source, "rb")  # noqa: SIM115 - closed in __exit__
        except OSError as error:
            raise ImportRefused(
                f"ファイル「{self.source}」を開けません（{error.strerror}）。"
            ) from None
        return self.opened

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None:
            self.opened.close()


def _name_of(source: Source) -> str:
    name = getattr(source, "name", None) if hasattr(source, "read") else source
    return Path(str(name or "")).name[:255]


# NUL (UTF-16 files, Excel workbooks) and C1 controls never occur in a real CSV; CP932 decodes
# the bytes Shift_JIS leaves undefined (0x80, 0xA0, 0xFD-0xFF) to U+0080 and U+F8F0-F8F3.
_NOT_TEXT = {
    "utf-8": re.compile("[\x00\x80-\x9f]"),
    "cp932": re.compile("[\x00\x80-\x9f\uf8f0-\uf8f3]"),
}


def _decode(raw: bytes) -> tuple[str, str]:
    """(label, text): UTF-8 if the bytes decode strictly as UTF-8, else CP932, else refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if _NOT_TEXT["utf-8"].search(text):
            raise ImportRefused(ENCODING_REFUSED)
        return ("UTF-8 (BOM付き)" if raw.startswith(codecs.BOM_UTF8) else "UTF-8"), text
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        raise ImportRefused(ENCODING_REFUSED) from None
    if _NOT_TEXT["cp932"].search(text):
        raise ImportRefused(ENCODING_REFUSED)
    return "Shift_JIS (CP932)", text


class _records:  # noqa: N801 - an iterator of the file's records
    """The CSV's records as (line, fields); `line` is the physical line where the record
    starts (the header is line 1). Blank rows (no fields, or only empty ones) are skipped."""

    def __init__(self, text: str) -> None:
        self.reader = csv.reader(io.StringIO(text, newline=""))
        self.header: list[str] = []
        self.index: dict[str, int] = {}

    def next_record(self) -> tuple[int, list[str]] | None:
        line = self.reader.line_num + 1
        try:
            return line, next(self.reader)
        except StopIteration:
            return None
        except csv.Error:
            raise ImportRefused(_unreadable(line)) from None

    def __iter__(self):
        while (record := self.next_record()) is not None:
            if any(record[1]):
                yield record

    def row_dict(self, fields: list[str]) -> dict[str, str]:
        row = dict(zip(self.header, fields, strict=False))
        for extra, value in enumerate(fields[len(self.header) :], start=len(self.header) + 1):
            row[f"({extra}列目)"] = value
        return row


def _unreadable(line: int) -> str:
    return f'{line}行目を CSV として読めません。引用符 (") の閉じ忘れがないか確認してください。'


def _checked_header(records: _records) -> list[str]:
    first = records.next_record()
    header = [name.strip() for name in (first[1] if first else [])]
    if not any(header):
        raise ImportRefused(NO_HEADER)
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise ImportRefused(f"列名が重複しています: {'、'.join(duplicated)}")
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRefused(f"必須の列がありません: {'、'.join(missing)}")
    records.header = header
    records.index = {name: i for i, name in enumerate(header) if name}
    return header


# --- Checking values ----------------------------------------------------------------------------

_MONTH = re.compile(r"([0-9]{4})(?:([0-9]{2})|/([0-9]{1,2}))")
_DATE = re.compile(r"([0-9]{4})(?:([0-9]{2})([0-9]{2})|[/-]([0-9]{1,2})[/-]([0-9]{1,2}))")


def _month(value: str, label: str, errors: list[str], *, required: bool) -> dt.date | None:
    if not value:
        if required:
            errors.append(f"{label}が空欄です")
        return None
    match = _MONTH.fullmatch(value)
    if match:
        year, month = int(match[1]), int(match[2] or match[3])
        if year >= 1900 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    errors.append(
        f"{label}「{value}」が正しくありません（YYYYMM または YYYY/MM で入力してください）"
    )
    return None


def _date(value: str, label: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    match = _DATE.fullmatch(value)
    if match:
        year = int(match[1])
        month, day = int(match[2] or match[4]), int(match[3] or match[5])
        try:
            if year >= 1900:
                return dt.date(year, month, day)
        except ValueError:
            pass
    errors.append(
        f"{label}「{value}」が正しくありません（YYYYMMDD または YYYY/MM/DD で入力してください）"
    )
    return None


def _integer(value: str, label: str, errors: list[str], *, minimum: int, maximum: int):
    if not value:
        return None
    digits = value[1:] if value.startswith("-") else value
    if not (digits.isascii() and digits.isdigit()):
        errors.append(f"{label}「{value}」が整数ではありません")
        return None
    number = int(value)
    if number < 0:
        errors.append(f"{label}が負の値です（{value}）")
    elif number < minimum:
        errors.append(f"{label}は{minimum}以上です（{value}）")
    elif number > maximum:
        errors.append(f"{label}が大きすぎます（{value}）")
    else:
        return number
    return None


def _person_lookup(union: Union) -> Callable[[dict[str, str], list[str]], tuple | None]:
    """記号・番号・枝番 → (person id, household id), from one query over the union's persons."""
    persons = {
        (symbol, number, branch): (person_id, household_id)
        for symbol, number, branch, person_id, household_id in Person.objects.filter(
            household__union=union
        )
        .values_list("household__symbol", "household__number", "branch", "pk", "household_id")
        .iterator(chunk_size=10_000)
    }

    def lookup(values: dict[str, str], errors: list[str]) -> tuple | None:
        before = len(errors)
        symbol, number, branch = values["記号"], values["番号"], values["枝番"]
        for label, value in (("記号", symbol), ("番号", number)):
            if not value:
                errors.append(f"{label}が空欄です")
            elif len(value) > 8:
                errors.append(f"{label}が長すぎます（8文字まで）")
        if not branch:
            errors.append("枝番が空欄です")
        elif not (branch.isascii() and branch.isdigit() and len(branch) <= 2):
            errors.append(f"枝番「{branch}」は2桁までの数字です")
        if len(errors) > before:
            return None
        branch = branch.zfill(2)
        found = persons.get((symbol, number, branch))
        if found is None:
            errors.append(
                f"記号・番号・枝番「{symbol}・{number}・{branch}」の加入者が"
                "この健康保険組合にいません"
            )
        return found

    return lookup


def _type_lookup(union: Union) -> Callable[[str, list[str]], int | None]:
    """給付種別 (the master's name, or its code) → id."""
    by_name, by_code = {}, {}
    for pk, code, name in BenefitType.objects.filter(union=union).values_list("pk", "code", "name"):
        by_name[name] = pk
        by_code[code] = pk

    def lookup(value: str, errors: list[str]) -> int | None:
        if not value:
            errors.append("給付種別が空欄です")
            return None
        found = by_name.get(value) or by_code.get(value)
        if found is None:
            errors.append(f"給付種別「{value}」がこの健康保険組合の給付種別マスタにありません")
        return found

    return lookup


def _parse(union: Union, records: _records, result: ImportResult) -> list[BenefitPayment]:
    """The file's good rows as unsaved payments; rejections are appended to `result`."""
    person_of = _person_lookup(union)
    type_of = _type_lookup(union)
    width = len(records.header)
    seen: dict[tuple, int] = {}
    payments: list[BenefitPayment] = []
    for line, fields in records:
        result.rows_total += 1
        errors: list[str] = []
        if len(fields) != width:
            errors.append(
                f"列の数がヘッダーと合いません（ヘッダーは{width}列、この行は{len(fields)}列）"
            )
            result.rejections.append(Rejection(line, errors, records.row_dict(fields)))
            continue
        values = {name: fields[i].strip() for name, i in records.index.items() if name in _COLUMNS}
        values = {name: values.get(name, "") for name in _COLUMNS}
        person = person_of(values, errors)
        paid_month = _month(values["支給年月"], "支給年月", errors, required=True)
        benefit_type = type_of(values["給付種別"], errors)
        amount = _integer(values["支給金額"], "支給金額", errors, minimum=1, maximum=MAX_AMOUNT)
        if amount is None and not values["支給金額"]:
            errors.append("支給金額が空欄です")
        decided_on = _date(values["支給決定日"], "支給決定日", errors)
        service_month = _month(values["診療年月"], "診療年月", errors, required=False)
        start = _date(values["支給期間開始"], "支給期間開始", errors)
        end = _date(values["支給期間終了"], "支給期間終了", errors)
        days = _integer(values["日数"], "日数", errors, minimum=0, maximum=MAX_DAYS)
        note = values["備考"]
        if len(note) > MAX_NOTE:
            errors.append(f"備考が長すぎます（{MAX_NOTE}文字まで）")
        if bool(values["支給期間開始"]) != bool(values["支給期間終了"]):
            errors.append("支給期間は開始と終了の両方を入力してください")
        elif start and end:
            if end < start:
                errors.append("支給期間終了が支給期間開始より前です")
            elif days is not None and days > (end - start).days + 1:
                errors.append(f"日数が支給期間の日数（{(end - start).days + 1}日）を超えています")
        if not errors:
            key = tuple(values[name] for name in _COLUMNS) + (person,)
            if key in seen:
                errors.append(f"{seen[key]}行目と同じ内容の行です")
            else:
                seen[key] = line
        if errors:
            result.rejections.append(Rejection(line, errors, records.row_dict(fields)))
            continue
        person_id, household_id = person
        payments.append(
            BenefitPayment(
                person_id=person_id,
                household_id=household_id,
                benefit_type_id=benefit_type,
                paid_month=paid_month,
                decided_on=decided_on,
                service_month=service_month,
                period_start=start,
                period_end=end,
                days=days,
                amount=amount,
                note=note,
            )
        )
    return payments


_COLUMNS = REQUIRED + OPTIONAL


# --- Writing ------------------------------------------------------------------------------------


def _delete_replaced(payments: list[BenefitPayment]) -> tuple[int, int]:
    """Delete the existing payments of every (対象者, 支給年月) in the file: (pairs, rows)."""
    persons_by_month: dict[dt.date, set[int]] = defaultdict(set)
    for payment in payments:
        persons_by_month[payment.paid_month].add(payment.person_id)
    deleted = 0
    for month, person_ids in persons_by_month.items():
        ids = sorted(person_ids)
        for i in range(0, len(ids), DELETE_CHUNK):
            count, _ = BenefitPayment.objects.filter(
                Q(paid_month=month) & Q(person_id__in=ids[i : i + DELETE_CHUNK])
            ).delete()
            deleted += count
    return sum(len(ids) for ids in persons_by_month.values()), deleted


def _one_import_at_a_time(union: Union) -> None:
    """Wait for any other payments import for this union to finish (until our COMMIT).

    On PostgreSQL a transaction-level advisory lock serialises them; SQLite serialises all
    writes.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s), %s::integer)",
                ["benefits.imports", union.pk],
            )


def _last_import_was(union: Union, digest: str) -> bool:
    """Whether the union's last finished import was the same file.

    Only the last one counts: after another file has replaced some months, importing an older
    file again is a real change and must run.
    """
    last = (
        BenefitImport.objects.filter(union=union, finished_at__isnull=False)
        .order_by("-finished_at", "-pk")
        .values_list("sha256", flat=True)
        .first()
    )
    return last == digest


def _finish(batch: BenefitImport, result: ImportResult) -> None:
    batch.rows_total = result.rows_total
    batch.rows_imported = result.rows_imported
    batch.rows_rejected = result.rows_rejected
    batch.rows_replaced = result.rows_replaced
    batch.report = [rejection.as_json() for rejection in result.rejections]
    batch.finished_at = timezone.now()
    batch.save()
