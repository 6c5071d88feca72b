"""`manage.py import_checkups`: the union's checkup results from a CSV file (docs/checkup.md).

One row is one value: a person (記号・番号・枝番) × 受診日 × 項目コード (the 特定健診 code of the
item, or one of its method variants) × 結果値. The file is UTF-8 (with or without BOM) or
Shift_JIS (CP932), columns are found by their header names, bad rows are reported with their
line numbers and reasons, and the good rows are kept. Every (person, 受診日) in the file gets
exactly the file's values (an item missing from the file is removed from that checkup), so
importing the same file again changes nothing and a corrected file replaces what it covers.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from checkup.criteria import QUALITATIVE_VALUES, Rules
from checkup.models import Checkup, CheckupImport, CheckupResult
from kosmo.models import Person, Union

Source = str | os.PathLike | IO[bytes]

ENCODING_REFUSED = (
    "文字コードを判別できません。UTF-8 または Shift_JIS (CP932) で保存した CSV ファイルを"
    "指定してください。"
)
NO_HEADER = "ヘッダー行がありません。1行目に列名を入れてください。"
REQUIRED = ("記号", "番号", "枝番", "受診日", "項目コード", "結果値")
INSTITUTION = "健診機関名"
_DATE = re.compile(r"(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})")


class ImportRefused(Exception):
    """The file as a whole cannot be imported; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Rejection:
    line: int
    reasons: list[str]

    @property
    def reason(self) -> str:
        return " / ".join(self.reasons)


@dataclass
class ImportResult:
    file_name: str
    encoding: str = ""
    rows_total: int = 0
    rows_imported: int = 0
    checkups_created: int = 0
    checkups_updated: int = 0
    checkups_unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejections)

    def summary_lines(self, *, dry_run: bool, show_errors: int = 20) -> list[str]:
        verb = "を確認しました（試行のため何も変更していません）" if dry_run else "を取り込みました"
        lines = [
            f"健診結果「{self.file_name}」{verb}。文字コード: {self.encoding}",
            f"  データ行数: {self.rows_total:,}件",
            f"  取り込み件数: {self.rows_imported:,}件（健診 新規 {self.checkups_created:,}件、"
            f"更新 {self.checkups_updated:,}件、変更なし {self.checkups_unchanged:,}件）",
            f"  エラー件数: {self.rows_rejected:,}件",
        ]
        lines += [f"    {r.line}行目: {r.reason}" for r in self.rejections[:show_errors]]
        if self.rows_rejected > show_errors:
            lines.append(f"    ほか {self.rows_rejected - show_errors:,}件")
        return lines


def _read_text(source: Source) -> tuple[str, str, str, str]:
    """(text, encoding label, sha256, file name) of the file; refused if undecodable."""
    if hasattr(source, "read"):
        source.seek(0)
        data = source.read()
        name = Path(str(getattr(source, "name", "") or "")).name
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            raise ImportRefused(f"ファイル「{source}」を開けません（{error.strerror}）。") from None
        name = Path(source).name
    digest = hashlib.sha256(data).hexdigest()
    for codec, label in (("utf-8-sig", "UTF-8"), ("cp932", "Shift_JIS (CP932)")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or re.search("[\x80-\x9f\uf8f0-\uf8f3]", text):
            continue
        return text, label, digest, name
    raise ImportRefused(ENCODING_REFUSED)


def _date(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass
class _Row:
    line: int
    person: Person
    exam_date: dt.date
    code: str
    value: str
    institution: str


def import_checkups(*, union: Union, source: Source, file_name: str | None = None):
    """Import a checkup CSV for `union` in one transaction (see the module docstring).
    Raises `ImportRefused` for a file that cannot be read as a whole."""
    text, encoding, digest, name = _read_text(source)
    result = ImportResult(file_name=file_name or name, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader, [])]
    if not any(header):
        raise ImportRefused(NO_HEADER)
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportRefused(f"必須の列がありません: {'、'.join(missing)}")
    index = {column: position for position, column in enumerate(header)}
    rules = Rules.for_union(union)
    persons = {
        (p.household.symbol, p.household.number, p.branch): p
        for p in Person.objects.filter(household__union=union).select_related("household")
    }
    today = timezone.localdate()
    rows: dict[tuple[int, dt.date, str], _Row] = {}
    try:
        for fields in reader:
            line = reader.line_num
            if not any(value.strip() for value in fields):
                continue
            result.rows_total += 1
            errors: list[str] = []
            if len(fields) < len(header):
                fields = fields + [""] * (len(header) - len(fields))

            def get(column: str, fields: list[str] = fields) -> str:
                return fields[index[column]].strip()

            branch = get("枝番")
            branch = branch.zfill(2) if branch.isdigit() and len(branch) <= 2 else branch
            key = (get("記号"), get("番号"), branch)
            person = persons.get(key)
            if person is None:
                errors.append(
                    f"記号・番号・枝番「{'-'.join(key)}」の加入者がこの健康保険組合にいません"
                )
            exam_date = _date(get("受診日"))
            if exam_date is None:
                errors.append(
                    f"受診日「{get('受診日')}」が正しくありません"
                    "（YYYY-MM-DD または YYYY/MM/DD で入力してください）"
                )
            elif exam_date > today:
                errors.append(f"受診日「{get('受診日')}」が未来の日付です")
            code = get("項目コード")
            item = rules.by_code.get(code)
            value = get("結果値")
            if item is None:
                errors.append(
                    f"項目コード「{code}」は不明です（docs/checkup.md の項目コード表にありません）"
                )
            elif not value:
                errors.append(f"結果値が空欄です（{item.name}）")
            else:
                parsed = item.parse(value)
                if parsed is None:
                    errors.append(_bad_value(item, value))
                else:
                    value = value if item.kind == "number" else str(parsed)
            if len(value) > 20:
                errors.append("結果値が長すぎます（20文字まで）")
            institution = get(INSTITUTION) if INSTITUTION in index else ""
            if len(institution) > 100:
                errors.append("健診機関名が長すぎます（100文字まで）")
            if not errors:
                row_key = (person.pk, exam_date, item.code)
                if row_key in rows:
                    errors.append(f"{rows[row_key].line}行目と同じ受診者・受診日・項目の行です")
            if errors:
                result.rejections.append(Rejection(line, errors))
                continue
            rows[row_key] = _Row(line, person, exam_date, item.code, value, institution)
    except csv.Error:
        raise ImportRefused(
            f"{reader.line_num}行目を CSV として読めません。"
            '引用符 (") の閉じ忘れがないか確認してください。'
        ) from None

    with transaction.atomic():
        batch = CheckupImport.objects.create(
            union=union,
            file_name=result.file_name[:255],
            sha256=digest,
            rows_total=result.rows_total,
            rows_rejected=result.rows_rejected,
            report=[{"line": r.line, "reasons": r.reasons} for r in result.rejections],
        )
        _store(rows.values(), batch, result)
        batch.rows_imported = result.rows_imported
        batch.save(update_fields=["rows_imported"])
    return result


def _bad_value(item, value: str) -> str:
    if item.kind == "number":
        return f"結果値「{value}」は数値ではありません（{item.name}。半角数字で入力してください）"
    if item.kind == "qualitative":
        allowed = "、".join(QUALITATIVE_VALUES)
        return f"結果値「{value}」は{item.name}の値として読めません（{allowed} のいずれか）"
    return f"結果値「{value}」は{item.name}の回答として読めません（1: はい、2: いいえ）"


def _store(rows, batch: CheckupImport, result: ImportResult) -> None:
    """Each (person, 受診日) gets exactly the file's values."""
    by_checkup: dict[tuple[int, dt.date], list[_Row]] = {}
    for row in rows:
        by_checkup.setdefault((row.person.pk, row.exam_date), []).append(row)
    if not by_checkup:
        return
    person_ids = {person_id for person_id, _ in by_checkup}
    existing = {
        (checkup.person_id, checkup.exam_date): checkup
        for checkup in Checkup.objects.filter(person_id__in=person_ids).prefetch_related("results")
        if (checkup.person_id, checkup.exam_date) in by_checkup
    }
    for key, group in by_checkup.items():
        wanted = {row.code: row.value for row in group}
        institution = next((row.institution for row in group if row.institution), "")
        checkup = existing.get(key)
        result.rows_imported += len(group)
        if checkup is None:
            person = group[0].person
            checkup = Checkup.objects.create(
                person=person,
                household_id=person.household_id,
                exam_date=key[1],
                institution=institution,
                batch=batch,
            )
            CheckupResult.objects.bulk_create(
                CheckupResult(checkup=checkup, item_code=code, value=value)
                for code, value in wanted.items()
            )
            result.checkups_created += 1
            continue
        have = {r.item_code: r.value for r in checkup.results.all()}
        if have == wanted and checkup.institution == (institution or checkup.institution):
            result.checkups_unchanged += 1
            continue
        checkup.results.all().delete()
        CheckupResult.objects.bulk_create(
            CheckupResult(checkup=checkup, item_code=code, value=value)
            for code, value in wanted.items()
        )
        checkup.institution = institution or checkup.institution
        checkup.batch = batch
        checkup.save(update_fields=["institution", "batch"])
        result.checkups_updated += 1
