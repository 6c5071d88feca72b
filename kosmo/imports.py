"""What every CSV import shares (docs/imports.md, “What every file has in common”).

The apps own their layouts, rules, messages about values and what an import replaces; this
module owns the file itself: opening it, telling UTF-8 from Shift_JIS (CP932), reading records
with their line numbers, refusing a file as a whole (`ImportRefused`), the rejected rows and
their report, the persons of a union by 記号・番号・枝番, and “one import at a time” / “this file
was the last one imported”. It imports no app.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from kosmo.models import Person, Union
from kosmo.spreadsheets import csv_writer

Source = str | os.PathLike | IO[bytes]

# --- Messages (docs/imports.md lists them; tests assert them verbatim) --------------------------

ENCODING_REFUSED = (
    "文字コードを判別できません。UTF-8 または Shift_JIS (CP932) で保存した CSV ファイルを"
    "指定してください。"
)
NO_HEADER = "ヘッダー行がありません。1行目に列名を入れてください。"
ALREADY_IMPORTED = "同じファイルは取り込み済みです。"
DRY_RUN = "を確認しました（試行のため何も変更していません）"
MORE_IN_REPORT = "（--report でエラー行をすべて書き出せます）"

CHUNK = 1 << 20


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
    row: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return " / ".join(self.reasons)

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "reasons": self.reasons, "row": self.row}


@dataclass(kw_only=True)
class ImportResult:
    """What one import did (or, in a dry run, would do); apps add their own counts."""

    file_name: str
    sha256: str = ""
    encoding: str = ""
    header: list[str] = field(default_factory=list)
    rows_total: int = 0
    rows_imported: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    already_imported: bool = False
    dry_run: bool = False

    @property
    def rows_rejected(self) -> int:
        return len(self.rejections)


# --- The file -----------------------------------------------------------------------------------


class open_source:  # noqa: N801 - used as a context manager like open()
    """A seekable binary stream over a path or an already open file (left open)."""

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


def name_of(source: Source) -> str:
    """The file's name without its directory (as stored in an import's history)."""
    name = getattr(source, "name", None) if hasattr(source, "read") else source
    return Path(str(name or "")).name[:255]


# NUL (UTF-16 files, Excel workbooks) and C1 controls never occur in a real CSV; CP932 decodes
# the bytes Shift_JIS leaves undefined (0x80, 0xA0, 0xFD-0xFF) to U+0080 and U+F8F0-F8F3.
_NOT_TEXT = {
    "utf-8-sig": re.compile("[\x00\x80-\x9f]"),
    "cp932": re.compile("[\x00\x80-\x9f\uf8f0-\uf8f3]"),
}
UTF8, UTF8_BOM, CP932 = "UTF-8", "UTF-8 (BOM付き)", "Shift_JIS (CP932)"


def detect_encoding(stream: IO[bytes]) -> tuple[str, str]:
    """(label, sha256) of the file: UTF-8 if it decodes strictly, else CP932, else refused.

    The stream is read in chunks, so memory stays bounded whatever the file's size.
    """
    digest = hashlib.sha256()
    first = stream.read(CHUNK)
    has_bom = first.startswith(codecs.BOM_UTF8)
    utf8_ok = True
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    chunk, last = first, b""
    while chunk:
        digest.update(chunk)
        if utf8_ok:
            # In UTF-8, NUL is 00 and the C1 controls are C2 80 … C2 9F: a chunk without 00 or
            # C2 (after one not ending in C2) holds neither, and its text need not be searched.
            look = last == b"\xc2" or b"\x00" in chunk or b"\xc2" in chunk
            utf8_ok = _decodes(decoder, chunk, "utf-8-sig", look=look)
            last = chunk[-1:]
        chunk = stream.read(CHUNK)
    if utf8_ok:
        utf8_ok = _decodes(decoder, b"", "utf-8-sig", final=True)
    if utf8_ok:
        return (UTF8_BOM if has_bom else UTF8), digest.hexdigest()
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("cp932")("strict")
    while chunk := stream.read(CHUNK):
        if not _decodes(decoder, chunk, "cp932"):
            raise ImportRefused(ENCODING_REFUSED)
    if not _decodes(decoder, b"", "cp932", final=True):
        raise ImportRefused(ENCODING_REFUSED)
    return CP932, digest.hexdigest()


def _decodes(
    decoder: codecs.IncrementalDecoder, chunk: bytes, codec: str, final=False, *, look=True
) -> bool:
    """Whether `chunk` decodes; with `look`, also that its text holds no character of
    `_NOT_TEXT`."""
    try:
        text = decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return not (look and _NOT_TEXT[codec].search(text))


def codec_of(label: str) -> str:
    """The Python codec for a label of `detect_encoding`."""
    return "cp932" if label == CP932 else "utf-8-sig"


def unreadable(line: int) -> str:
    # In practice the reader only gives up on a value over 128 KiB: an unclosed quote.
    return f'{line}行目を CSV として読めません。引用符 (") の閉じ忘れがないか確認してください。'


class Records:
    """The CSV's data rows as (line, fields), after the header row.

    `line` is the physical line where the record starts (the header is line 1). Blank rows
    (no fields, or only empty ones) are skipped and not counted. With `required`, the header
    is checked: present, no column twice, every required column there (else `ImportRefused`).
    `close()` gives the caller's stream back open.
    """

    def __init__(
        self, stream: IO[bytes], encoding: str, required: tuple[str, ...] | None = None
    ) -> None:
        stream.seek(0)
        self.text = io.TextIOWrapper(stream, encoding=codec_of(encoding), newline="")
        self.reader = csv.reader(self.text)
        try:
            try:
                first = next(self.reader, None)
            except csv.Error:
                raise ImportRefused(unreadable(1)) from None
            self.header = [name.strip() for name in first or []]
            if required is not None:
                check_header(self.header, required)
        except ImportRefused:
            self.close()
            raise
        self.index = {name: i for i, name in enumerate(self.header) if name}

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self.reader
        while True:
            line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise ImportRefused(unreadable(line)) from None
            if any(fields):
                yield line, fields

    def row_dict(self, fields: list[str]) -> dict[str, str]:
        """The values as read, by column name; extra values as 「(N列目)」."""
        row = dict(zip(self.header, fields, strict=False))
        for extra, value in enumerate(fields[len(self.header) :], start=len(self.header) + 1):
            row[f"({extra}列目)"] = value
        return row

    def close(self) -> None:
        self.text.detach()


def check_header(header: list[str], required: tuple[str, ...] | list[str]) -> None:
    """Refuse a file without a header, with a column named twice, or missing a required one."""
    if not any(header):
        raise ImportRefused(NO_HEADER)
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise ImportRefused(f"列名が重複しています: {'、'.join(duplicated)}")
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRefused(f"必須の列がありません: {'、'.join(missing)}")


def width_error(header: list[str], fields: list[str]) -> str | None:
    """The reason for a row whose number of values differs from the header's, if it does."""
    if len(fields) == len(header):
        return None
    return f"列の数がヘッダーと合いません（ヘッダーは{len(header)}列、この行は{len(fields)}列）"


# --- Who a row is about -------------------------------------------------------------------------

PersonKey = tuple[str, str, str]
PersonIds = tuple[int, int]


def persons_by_key(union: Union) -> dict[PersonKey, PersonIds]:
    """(記号, 番号, 枝番) → (person id, household id) for every person of `union`, one query."""
    return {
        (symbol, number, branch): (person_id, household_id)
        for symbol, number, branch, person_id, household_id in Person.objects.filter(
            household__union=union
        )
        .values_list("household__symbol", "household__number", "branch", "pk", "household_id")
        .iterator(chunk_size=10_000)
    }


def person_lookup(union: Union) -> Callable[[str, str, str, list[str]], PersonIds | None]:
    """A checker of 記号・番号・枝番 values → (person id, household id), or None with reasons.

    記号 and 番号 are matched exactly (≤ 8 characters); 枝番 is 1–2 digits, `1` read as `01`.
    """
    persons = persons_by_key(union)

    def lookup(symbol: str, number: str, branch: str, errors: list[str]) -> PersonIds | None:
        before = len(errors)
        symbol, number, branch = symbol.strip(), number.strip(), branch.strip()
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


# --- Staging ----------------------------------------------------------------------------------

SQLITE_BATCH = 5_000  # rows per INSERT batch where there is no COPY


def stage_rows(
    cursor, table: str, columns: list[str], rows: Iterable[tuple], *, types: list[str] | None = None
) -> None:
    """`rows` into a staging `table` (its `columns`, in order): COPY on PostgreSQL (binary
    with the columns' `types`: ints, dates and texts go as they are), batched INSERTs on
    SQLite. The table and column names are the caller's own, never from a file."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        binary = " (FORMAT BINARY)" if types else ""
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN{binary}") as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    insert = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == SQLITE_BATCH:
            cursor.executemany(insert, batch)
            batch.clear()
    if batch:
        cursor.executemany(insert, batch)


# --- The import's history -----------------------------------------------------------------------


def one_import_at_a_time(name: str, union: Union | None) -> None:
    """Wait for any other import named `name` for this union to finish (until our COMMIT).

    On PostgreSQL a transaction-level advisory lock serialises them; SQLite serialises all
    writes.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s), %s::integer)",
                [name, union.pk if union else 0],
            )


def last_import_was(batches: QuerySet, digest: str) -> bool:
    """Whether the last finished of `batches` (an import history) was the same file.

    Only the last one counts: after another file has replaced some rows, importing an older
    file again is a real change and must run.
    """
    last = (
        batches.filter(finished_at__isnull=False)
        .order_by("-finished_at", "-pk")
        .values_list("sha256", flat=True)
        .first()
    )
    return last == digest


def finish(batch: Any, result: ImportResult, **counts: int) -> None:
    """Record the result's counts and rejected rows on its history row, now finished."""
    batch.rows_total = result.rows_total
    batch.rows_imported = result.rows_imported
    batch.rows_rejected = result.rows_rejected
    for name, value in counts.items():
        setattr(batch, name, value)
    batch.report = [rejection.as_json() for rejection in result.rejections]
    batch.finished_at = timezone.now()
    batch.save()


# --- Reporting ----------------------------------------------------------------------------------


def summary_lines(
    result: ImportResult,
    *,
    title: str,
    detail: str,
    show_errors: int = 20,
    more: str = MORE_IN_REPORT,
) -> list[str]:
    """The operator's summary in Japanese: counts (`detail` after the imported rows), then the
    first `show_errors` rejections."""
    if result.already_imported:
        return [f"{title}「{result.file_name}」: {ALREADY_IMPORTED}変更はありません。"]
    verb = DRY_RUN if result.dry_run else "を取り込みました"
    lines = [
        f"{title}「{result.file_name}」{verb}。文字コード: {result.encoding}",
        f"  データ行数: {result.rows_total:,}件",
        f"  取り込み件数: {result.rows_imported:,}件（{detail}）",
        f"  エラー件数: {result.rows_rejected:,}件",
    ]
    lines += [f"    {r.line}行目: {r.reason}" for r in result.rejections[:show_errors]]
    if result.rows_rejected > show_errors:
        lines.append(f"    ほか {result.rows_rejected - show_errors:,}件{more}")
    return lines


def write_rejections_csv(result: ImportResult, path: str | os.PathLike) -> None:
    """Write every rejected row to `path` (UTF-8 with BOM, so Excel opens it as is):
    行番号, 理由, then the file's own columns with the values as read."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv_writer(out)  # the rejected values are whatever the file held
        writer.writerow(["行番号", "理由", *result.header])
        for rejection in result.rejections:
            writer.writerow(
                [
                    rejection.line,
                    rejection.reason,
                    *(rejection.row.get(name, "") for name in result.header),
                ]
            )
