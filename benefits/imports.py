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

Payment files are small (a union's month of decisions), so the good rows are held in memory; no
staging table is needed. Reading the file is `kosmo.imports`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from benefits.models import BenefitImport, BenefitPayment, BenefitType
from kosmo.imports import (
    ImportResult,
    Records,
    Rejection,
    Source,
    detect_encoding,
    finish,
    last_import_was,
    name_of,
    one_import_at_a_time,
    open_source,
    person_lookup,
    width_error,
)
from kosmo.imports import summary_lines as _summary_lines
from kosmo.models import Union

REQUIRED = ("記号", "番号", "枝番", "支給年月", "給付種別", "支給金額")
OPTIONAL = ("支給決定日", "診療年月", "支給期間開始", "支給期間終了", "日数", "備考")

MAX_AMOUNT = 2_147_483_647  # PositiveIntegerField on PostgreSQL
MAX_DAYS = 366
MAX_NOTE = 100
BATCH = 1_000
# Nothing here comes close to SQLite's 999 parameters per statement.
DELETE_CHUNK = 500


@dataclass(kw_only=True)
class BenefitsImportResult(ImportResult):
    """What one import did (or, in a dry run, would do)."""

    rows_replaced: int = 0  # existing payments deleted
    months_replaced: int = 0  # (対象者, 支給年月) pairs replaced
    batch: BenefitImport | None = None


# --- Public API ---------------------------------------------------------------------------------


def import_benefits(
    *,
    union: Union,
    source: Source,
    file_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> BenefitsImportResult:
    """Import a payments CSV (給付金支給明細) for `union`.

    Every (対象者, 支給年月) present among the file's valid rows has all its existing payments
    replaced by the file's rows; other months and persons are untouched. Bad rows are rejected
    with their line number and reasons and the rest are imported, in one transaction. If the
    union's last import was this very file (same SHA-256), nothing is done and the result says
    `already_imported` unless `force`. With `dry_run` everything is checked and counted, and
    nothing is written. Raises `ImportRefused` for a file that cannot be read as a whole.
    """
    with open_source(source) as stream:
        encoding, digest = detect_encoding(stream)
        name = file_name or name_of(source)
        result = BenefitsImportResult(
            file_name=name, sha256=digest, encoding=encoding, dry_run=dry_run
        )
        records = Records(stream, encoding, REQUIRED)
        try:
            result.header = records.header
            with transaction.atomic():
                one_import_at_a_time("benefits.imports", union)
                if not force and last_import_was(BenefitImport.objects.filter(union=union), digest):
                    result.already_imported = True
                    return result
                batch = BenefitImport.objects.create(union=union, file_name=name, sha256=digest)
                payments = _parse(union, records, result)
                result.months_replaced, result.rows_replaced = _delete_replaced(payments)
                for payment in payments:
                    payment.batch_id = batch.pk
                BenefitPayment.objects.bulk_create(payments, batch_size=BATCH)
                result.rows_imported = len(payments)
                finish(batch, result, rows_replaced=result.rows_replaced)
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    result.batch = batch
        finally:
            records.close()
    return result


def summary_lines(result: BenefitsImportResult, *, show_errors: int = 20) -> list[str]:
    """The operator's summary in Japanese: counts, then the first `show_errors` rejections."""
    detail = (
        f"対象者・支給年月 {result.months_replaced:,}組、"
        f"置き換えた既存の行 {result.rows_replaced:,}件"
    )
    return _summary_lines(result, title="給付金", detail=detail, show_errors=show_errors)


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


def _parse(union: Union, records: Records, result: BenefitsImportResult) -> list[BenefitPayment]:
    """The file's good rows as unsaved payments; rejections are appended to `result`."""
    person_of = person_lookup(union)
    type_of = _type_lookup(union)
    seen: dict[tuple, int] = {}
    payments: list[BenefitPayment] = []
    for line, fields in records:
        result.rows_total += 1
        errors: list[str] = []
        if wrong_width := width_error(records.header, fields):
            errors.append(wrong_width)
            result.rejections.append(Rejection(line, errors, records.row_dict(fields)))
            continue
        values = {name: fields[i].strip() for name, i in records.index.items() if name in _COLUMNS}
        values = {name: values.get(name, "") for name in _COLUMNS}
        person = person_of(values["記号"], values["番号"], values["枝番"], errors)
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
