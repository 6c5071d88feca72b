"""`manage.py import_checkups`: the union's checkup results from a CSV file (docs/checkup.md).

One row is one value: a person (記号・番号・枝番) × 受診日 × 項目コード (the 特定健診 code of the
item, or one of its method variants) × 結果値. The file is UTF-8 (with or without BOM) or
Shift_JIS (CP932), columns are found by their header names, bad rows are reported with their
line numbers and reasons, and the good rows are kept. Every (person, 受診日) in the file gets
exactly the file's values (an item missing from the file is removed from that checkup), so
importing the same file again changes nothing and a corrected file replaces what it covers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from checkup.criteria import QUALITATIVE_VALUES, Rules
from checkup.models import Checkup, CheckupImport, CheckupResult
from kosmo.imports import (
    ImportResult,
    PersonIds,
    Records,
    Rejection,
    Source,
    detect_encoding,
    name_of,
    open_source,
    persons_by_key,
    summary_lines,
)
from kosmo.models import Union

REQUIRED = ("記号", "番号", "枝番", "受診日", "項目コード", "結果値")
INSTITUTION = "健診機関名"
_DATE = re.compile(r"(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})")


@dataclass(kw_only=True)
class CheckupImportResult(ImportResult):
    checkups_created: int = 0
    checkups_updated: int = 0
    checkups_unchanged: int = 0

    def summary_lines(self, *, dry_run: bool, show_errors: int = 20) -> list[str]:
        detail = (
            f"健診 新規 {self.checkups_created:,}件、更新 {self.checkups_updated:,}件、"
            f"変更なし {self.checkups_unchanged:,}件"
        )
        return summary_lines(
            replace(self, dry_run=dry_run),
            title="健診結果",
            detail=detail,
            show_errors=show_errors,
            more="",
        )


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
    person: PersonIds
    exam_date: dt.date
    code: str
    value: str
    institution: str


def import_checkups(*, union: Union, source: Source, file_name: str | None = None):
    """Import a checkup CSV for `union` in one transaction (see the module docstring).
    Raises `ImportRefused` for a file that cannot be read as a whole."""
    with open_source(source) as stream:
        encoding, digest = detect_encoding(stream)
        result = CheckupImportResult(file_name=file_name or name_of(source), encoding=encoding)
        records = Records(stream, encoding, REQUIRED)
        try:
            rows = _checked_rows(union, records, result)
        finally:
            records.close()

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


def _checked_rows(union: Union, records: Records, result: CheckupImportResult) -> dict:
    """The good rows by (person, 受診日, item); rejections are appended to `result`."""
    rules = Rules.for_union(union)
    persons = persons_by_key(union)
    today = timezone.localdate()
    rows: dict[tuple[int, dt.date, str], _Row] = {}
    for line, fields in records:
        if not any(value.strip() for value in fields):
            continue
        result.rows_total += 1
        errors: list[str] = []
        if len(fields) < len(records.header):
            fields = fields + [""] * (len(records.header) - len(fields))

        def get(column: str, fields: list[str] = fields) -> str:
            return fields[records.index[column]].strip()

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
        institution = get(INSTITUTION) if INSTITUTION in records.index else ""
        if len(institution) > 100:
            errors.append("健診機関名が長すぎます（100文字まで）")
        if not errors:
            row_key = (person[0], exam_date, item.code)
            if row_key in rows:
                errors.append(f"{rows[row_key].line}行目と同じ受診者・受診日・項目の行です")
        if errors:
            result.rejections.append(Rejection(line, errors))
            continue
        rows[row_key] = _Row(line, person, exam_date, item.code, value, institution)
    return rows


def _bad_value(item, value: str) -> str:
    if item.kind == "number":
        return f"結果値「{value}」は数値ではありません（{item.name}。半角数字で入力してください）"
    if item.kind == "qualitative":
        allowed = "、".join(QUALITATIVE_VALUES)
        return f"結果値「{value}」は{item.name}の値として読めません（{allowed} のいずれか）"
    return f"結果値「{value}」は{item.name}の回答として読めません（1: はい、2: いいえ）"


def _store(rows, batch: CheckupImport, result: CheckupImportResult) -> None:
    """Each (person, 受診日) gets exactly the file's values."""
    by_checkup: dict[tuple[int, dt.date], list[_Row]] = {}
    for row in rows:
        by_checkup.setdefault((row.person[0], row.exam_date), []).append(row)
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
            person_id, household_id = group[0].person
            checkup = Checkup.objects.create(
                person_id=person_id,
                household_id=household_id,
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
