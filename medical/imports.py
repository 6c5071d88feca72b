"""Importing the union's CSV files: claims (医療費), prescriptions (処方医薬品) and the drug master.

The layouts are documented column by column in docs/imports.md. Every import:

- reads a CSV file in UTF-8 (with or without BOM) or Shift_JIS (CP932), detected automatically;
- addresses columns by their header name (order and extra columns do not matter);
- checks row by row; a bad row is reported with its line number and the reasons, good rows are
  kept; a file that cannot be read as a whole is refused (`ImportRefused`) and changes nothing;
- runs in one transaction and records an `ImportBatch` (counts and the rejected rows).

Claims and prescriptions replace by (person, 診療年月): every pair present in the file loses all
its existing rows and gets the file's rows, so importing the same file twice, or a corrected
file, leaves exactly the file's rows. They stream through a TEMP staging table (``COPY`` on
PostgreSQL, batched INSERTs on SQLite) and keep memory bounded: nothing proportional to the file
is held in Python except the rejected rows. Drugs are upserted by code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db import connection, transaction

from kosmo.imports import (
    SQLITE_BATCH,
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
    stage_rows,
    width_error,
)
from kosmo.imports import summary_lines as _summary_lines
from kosmo.models import Union
from medical.models import CareType, Claim, Drug, ImportBatch, PrescriptionLine

CARE_TYPES = {
    "入院": CareType.INPATIENT,
    "入院外": CareType.OUTPATIENT,
    "歯科": CareType.DENTAL,
    "調剤": CareType.PHARMACY,
    "訪問看護": CareType.HOME_NURSING,
}

# Column limits of the models (PostgreSQL enforces them; SQLite would not).
MAX_INTEGER = 2_147_483_647
MAX_DAYS = 31
MAX_LINE_NO = 32_767


@dataclass(kw_only=True)
class MedicalImportResult(ImportResult):
    """What one import did (or, in a dry run, would do)."""

    kind: str
    # Claims and prescriptions: existing rows deleted, (person, 診療年月) pairs replaced.
    rows_replaced: int = 0
    months_replaced: int = 0
    # Drugs: how the upsert went.
    drugs_created: int = 0
    drugs_updated: int = 0
    drugs_unchanged: int = 0
    batch: ImportBatch | None = None


# --- Public API ---------------------------------------------------------------------------------


def import_claims(
    *,
    union: Union,
    source: Source,
    file_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> MedicalImportResult:
    """Import a claims CSV (医療費) for `union`.

    Every (person, 診療年月) present among the file's valid rows has all its existing claims
    replaced by the file's rows; other months are untouched. Bad rows are rejected with their
    line number and reasons and the rest are imported, in one transaction. If the union's last
    claims import was this very file (same SHA-256), nothing is done and the result says
    `already_imported` unless `force`. With `dry_run` everything is checked and counted, and
    nothing is written. Raises `ImportRefused` for a file that cannot be read as a whole.
    """
    return _import_monthly(
        _CLAIMS, union=union, source=source, file_name=file_name, dry_run=dry_run, force=force
    )


def import_prescriptions(
    *,
    union: Union,
    source: Source,
    file_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> MedicalImportResult:
    """Import a prescriptions CSV (処方医薬品) for `union`, exactly as `import_claims` does.

    The drugs must already be in the drug master (`import_drugs`).
    """
    return _import_monthly(
        _PRESCRIPTIONS,
        union=union,
        source=source,
        file_name=file_name,
        dry_run=dry_run,
        force=force,
    )


def import_drugs(
    *,
    source: Source,
    file_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> MedicalImportResult:
    """Upsert the national drug master (医薬品マスタ) by 医薬品コード.

    A drug in the file is created or brought up to date (including its 後発医薬品コード, which
    may name a drug anywhere in the file or already in the master); drugs not in the file are
    left alone. Bad rows are rejected with reasons; same transaction, `dry_run`, `force` and
    `ImportRefused` rules as `import_claims`.
    """
    with open_source(source) as stream:
        name = file_name or name_of(source)
        encoding, digest = detect_encoding(stream)
        result = MedicalImportResult(
            kind=ImportBatch.Kind.DRUGS,
            file_name=name,
            sha256=digest,
            encoding=encoding,
            dry_run=dry_run,
        )
        with transaction.atomic():
            _one_import_at_a_time(ImportBatch.Kind.DRUGS, None)
            if not force and _last_import_was(None, ImportBatch.Kind.DRUGS, digest):
                result.already_imported = True
                return result
            _upsert_drugs(stream, encoding, result, dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
    return result


def summary_lines(result: MedicalImportResult, *, show_errors: int = 20) -> list[str]:
    """The operator's summary in Japanese: counts, then the first `show_errors` rejections."""
    if result.kind == ImportBatch.Kind.DRUGS:
        detail = (
            f"新規 {result.drugs_created:,}件、更新 {result.drugs_updated:,}件、"
            f"変更なし {result.drugs_unchanged:,}件"
        )
    else:
        detail = (
            f"受診者・診療年月 {result.months_replaced:,}組、"
            f"置き換えた既存の行 {result.rows_replaced:,}件"
        )
    label = ImportBatch.Kind(result.kind).label
    return _summary_lines(result, title=label, detail=detail, show_errors=show_errors)


def _raw_rows(stream: IO[bytes], encoding: str, required: tuple, lines: set[int]) -> dict:
    """The fields of the records starting at `lines` (a second pass, only for duplicates)."""
    records = Records(stream, encoding, required)
    try:
        return {line: fields for line, fields in records if line in lines}
    finally:
        records.close()


# --- Checking values ----------------------------------------------------------------------------


def _text(fields, i, label, errors, *, max_length, required=True) -> str:
    value = fields[i].strip() if i is not None else ""
    if not value:
        if required:
            errors.append(f"{label}が空欄です")
        return ""
    if len(value) > max_length:
        errors.append(f"{label}が長すぎます（{max_length}文字まで）")
    return value


def _integer(value: str, label: str, errors: list[str], *, maximum: int, blank=None) -> int | None:
    value = value.strip()
    if not value:
        if blank is not None:
            return blank
        errors.append(f"{label}が空欄です")
        return None
    if value.isascii() and value.isdigit():
        number = int(value)
    elif value[0] == "-" and value[1:].isascii() and value[1:].isdigit():
        number = -int(value[1:])
        if number < 0:
            errors.append(f"{label}が負の値です（{value}）")
            return None
    else:
        errors.append(f"{label}「{value}」が整数ではありません")
        return None
    if number > maximum:
        errors.append(f"{label}が大きすぎます（{value}）")
        return None
    return number


_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


def _decimal(value: str, label: str, errors: list[str], *, places: int, digits: int):
    value = value.strip()
    if not value:
        errors.append(f"{label}が空欄です")
        return None
    match = _DECIMAL.fullmatch(value)
    if match is None:
        errors.append(f"{label}「{value}」が数値ではありません")
        return None
    sign, whole, fraction = match.groups()
    fraction = (fraction or "").rstrip("0")
    number = Decimal(f"{whole}.{fraction or '0'}")
    if sign and number:
        errors.append(f"{label}が負の値です（{value}）")
        return None
    if len(fraction) > places:
        errors.append(f"{label}の小数部は{places}桁までです（{value}）")
        return None
    if len(whole.lstrip("0")) > digits - places:
        errors.append(f"{label}が大きすぎます（{value}）")
        return None
    return number


_MONTH = re.compile(r"([0-9]{4})(?:([0-9]{2})|/([0-9]{1,2}))")


def _month_parser() -> Callable[[str, list[str]], str | None]:
    """診療年月 (YYYYMM or YYYY/MM) → the first day as ISO text, cached per file."""
    cache: dict[str, str | None] = {}

    def parse(value: str, errors: list[str]) -> str | None:
        value = value.strip()
        if value not in cache:
            match = _MONTH.fullmatch(value)
            month = None
            if match:
                year, month_number = int(match[1]), int(match[2] or match[3])
                if year >= 1900 and 1 <= month_number <= 12:
                    month = dt.date(year, month_number, 1).isoformat()
            cache[value] = month
        month = cache[value]
        if month is None:
            if value:
                errors.append(
                    f"診療年月「{value}」が正しくありません"
                    "（YYYYMM または YYYY/MM で入力してください）"
                )
            else:
                errors.append("診療年月が空欄です")
        return month

    return parse


# --- Claims and prescriptions: staged, then replaced by (person, 診療年月) ----------------------


@dataclass(frozen=True)
class _MonthlyKind:
    batch_kind: str
    model: type
    # The columns a file must have; the optional ones are read with index.get().
    required: tuple[str, ...]
    # (staging column, SQL type); the first is line_no, then the target table's columns.
    staging: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    duplicate: str
    make_parser: Callable[[Union], Callable]


def _line_parser(union: Union):
    """The columns claims and prescriptions share: 記号・番号・枝番, 診療年月, 医療機関."""
    person_of = person_lookup(union)
    month_of = _month_parser()

    def line_of(fields: list[str], ix: dict, errors: list[str]) -> tuple:
        person = person_of(fields[ix["記号"]], fields[ix["番号"]], fields[ix["枝番"]], errors)
        month = month_of(fields[ix["診療年月"]], errors)
        code = _text(
            fields,
            ix.get("医療機関コード"),
            "医療機関コード",
            errors,
            max_length=10,
            required=False,
        )
        name = _text(fields, ix["医療機関名"], "医療機関名", errors, max_length=100)
        return person, month, code, name

    return line_of


def _claim_parser(union: Union):
    line_of = _line_parser(union)

    def parse(fields: list[str], ix: dict, errors: list[str]) -> tuple | None:
        person, month, code, name = line_of(fields, ix, errors)
        label = fields[ix["診療区分"]].strip()
        care_type = CARE_TYPES.get(label)
        if care_type is None:
            errors.append(
                f"診療区分「{label}」は不明です（入院・入院外・歯科・調剤・訪問看護のいずれか）"
                if label
                else "診療区分が空欄です"
            )
        days = _integer(fields[ix["日数"]], "日数", errors, maximum=MAX_DAYS)
        total = _integer(fields[ix["医療費総額"]], "医療費総額", errors, maximum=MAX_INTEGER)
        insurer = _integer(fields[ix["保険者負担額"]], "保険者負担額", errors, maximum=MAX_INTEGER)
        public = _integer(
            fields[ix["公費負担額"]], "公費負担額", errors, maximum=MAX_INTEGER, blank=0
        )
        patient = _integer(fields[ix["自己負担額"]], "自己負担額", errors, maximum=MAX_INTEGER)
        note = _text(fields, ix.get("備考"), "備考", errors, max_length=100, required=False)
        if None not in (total, insurer, public, patient) and total != insurer + public + patient:
            errors.append(
                f"金額が合いません（医療費総額 {total:,} ≠ 保険者負担額 {insurer:,} + "
                f"公費負担額 {public:,} + 自己負担額 {patient:,}）"
            )
        if errors:
            return None
        return (
            *person,
            month,
            code,
            name,
            care_type.value,
            days,
            total,
            insurer,
            public,
            patient,
            note,
        )

    return parse


def _prescription_parser(union: Union):
    line_of = _line_parser(union)
    drugs = dict(Drug.objects.values_list("code", "pk").iterator(chunk_size=10_000))

    def parse(fields: list[str], ix: dict, errors: list[str]) -> tuple | None:
        person, month, code, name = line_of(fields, ix, errors)
        line_no = _integer(fields[ix["行番号"]], "行番号", errors, maximum=MAX_LINE_NO)
        if line_no == 0:
            errors.append("行番号は1以上です")
        drug_code = fields[ix["医薬品コード"]].strip()
        drug = drugs.get(drug_code)
        if drug is None:
            errors.append(
                f"医薬品コード「{drug_code}」が医薬品マスタにありません"
                if drug_code
                else "医薬品コードが空欄です"
            )
        price = _decimal(fields[ix["薬価"]], "薬価", errors, places=2, digits=12)
        quantity = _decimal(fields[ix["使用量"]], "使用量", errors, places=3, digits=12)
        if errors:
            return None
        return (*person, month, code, name, line_no, drug, price, quantity)

    return parse


_PLACE = (
    ("person_id", "bigint"),
    ("household_id", "bigint"),
    ("service_month", "date"),
    ("provider_code", "varchar(10)"),
    ("provider_name", "varchar(100)"),
)

_CLAIMS = _MonthlyKind(
    batch_kind=ImportBatch.Kind.CLAIMS,
    model=Claim,
    required=(
        "記号",
        "番号",
        "枝番",
        "診療年月",
        "医療機関名",
        "診療区分",
        "日数",
        "医療費総額",
        "保険者負担額",
        "公費負担額",
        "自己負担額",
    ),  # fmt: skip
    staging=(
        ("line_no", "integer"),
        *_PLACE,
        ("care_type", "varchar(16)"),
        ("days", "smallint"),
        ("total_cost", "integer"),
        ("insurer_paid", "integer"),
        ("public_paid", "integer"),
        ("patient_paid", "integer"),
        ("note", "varchar(100)"),
    ),
    key=("person_id", "service_month", "provider_code", "provider_name", "care_type"),
    duplicate="{first}行目と同じ受診者・診療年月・医療機関・診療区分の行です",
    make_parser=_claim_parser,
)

_PRESCRIPTIONS = _MonthlyKind(
    batch_kind=ImportBatch.Kind.PRESCRIPTIONS,
    model=PrescriptionLine,
    required=(
        "記号",
        "番号",
        "枝番",
        "診療年月",
        "医療機関名",
        "行番号",
        "医薬品コード",
        "薬価",
        "使用量",
    ),  # fmt: skip
    staging=(
        # The file's line number is `file_line`: the prescription has a `line_no` of its own.
        ("file_line", "integer"),
        *_PLACE,
        ("line_no", "smallint"),
        ("drug_id", "bigint"),
        ("unit_price", "numeric(12,2)"),
        ("quantity", "numeric(12,3)"),
    ),
    key=("person_id", "service_month", "provider_code", "provider_name", "line_no"),
    duplicate="{first}行目と同じ受診者・診療年月・医療機関・行番号の行です",
    make_parser=_prescription_parser,
)


def _import_monthly(
    kind: _MonthlyKind,
    *,
    union: Union,
    source: Source,
    file_name: str | None,
    dry_run: bool,
    force: bool,
) -> MedicalImportResult:
    with open_source(source) as stream:
        name = file_name or name_of(source)
        encoding, digest = detect_encoding(stream)
        result = MedicalImportResult(
            kind=kind.batch_kind, file_name=name, sha256=digest, encoding=encoding, dry_run=dry_run
        )
        with transaction.atomic():
            _one_import_at_a_time(kind.batch_kind, union)
            if not force and _last_import_was(union, kind.batch_kind, digest):
                result.already_imported = True
                return result
            batch = ImportBatch.objects.create(
                union=union, kind=kind.batch_kind, file_name=name, sha256=digest
            )
            records = Records(stream, encoding, kind.required)
            result.header = records.header
            try:
                staging = _Staging(kind)
                parse = kind.make_parser(union)
                staging.load(_valid_rows(parse, records, result))
            finally:
                records.close()
            duplicates = staging.remove_duplicates()
            if duplicates:
                raw = _raw_rows(stream, encoding, kind.required, set(duplicates))
                result.rejections += [
                    Rejection(
                        line, [kind.duplicate.format(first=first)], records.row_dict(raw[line])
                    )
                    for line, first in duplicates.items()
                ]
                result.rejections.sort(key=lambda rejection: rejection.line)
            result.months_replaced, result.rows_replaced = staging.delete_replaced()
            result.rows_imported = staging.insert(batch_id=batch.pk)
            staging.drop()
            finish(batch, result)
            if dry_run:
                transaction.set_rollback(True)
            else:
                result.batch = batch
    return result


def _valid_rows(parse: Callable, records: Records, result: MedicalImportResult) -> Iterator[tuple]:
    """The staging tuples of the valid rows; rejections are appended to `result`.

    `parse` must be made beforehand: no query may run while the rows stream through COPY.
    """
    index = records.index
    for line, fields in records:
        result.rows_total += 1
        errors: list[str] = []
        if wrong_width := width_error(records.header, fields):
            errors.append(wrong_width)
            row = None
        else:
            row = parse(fields, index, errors)
        if row is None:
            result.rejections.append(Rejection(line, errors, records.row_dict(fields)))
        else:
            yield (line, *row)


class _Staging:
    """A TEMP table holding the valid rows of one file, then moved into the real table.

    The SQL is assembled from this module's own table and column names (never from the file);
    values always travel as parameters or through COPY.
    """

    def __init__(self, kind: _MonthlyKind) -> None:
        self.kind = kind
        self.postgres = connection.vendor == "postgresql"
        # Qualified, so that no statement here can reach a permanent table of the same name.
        self.table = f"{'pg_temp' if self.postgres else 'temp'}.import_{kind.batch_kind}_staging"
        self.target = kind.model._meta.db_table
        self.columns = [name for name, _type in kind.staging]
        self.cursor = connection.cursor()
        self.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.execute(f"DROP TABLE IF EXISTS {self.table}_months")
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in kind.staging)
        self.execute(f"CREATE TEMP TABLE {self.table} ({columns})")

    def execute(self, sql: str, params: Iterable | None = None) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def load(self, rows: Iterable[tuple]) -> None:
        stage_rows(self.cursor, self.table, self.columns, rows)
        if self.postgres:
            # Temp tables are never auto-analyzed; the DELETE's plan needs the row counts.
            self.execute(f"ANALYZE {self.table}")

    def remove_duplicates(self) -> dict[int, int]:
        """{line: first line with the same key} for the later rows of a duplicated key;
        those rows leave the staging table (the first one stays)."""
        line = self.columns[0]
        later_rows = (
            f"SELECT {line}, first_line FROM (SELECT {line}, MIN({line}) OVER"  # noqa: S608
            f" (PARTITION BY {', '.join(self.kind.key)}) AS first_line FROM {self.table}) ranked"
            f" WHERE {line} <> first_line"
        )
        self.execute(later_rows)
        duplicates = dict(self.cursor.fetchall())
        if duplicates:
            self.execute(
                f"DELETE FROM {self.table} WHERE {line} IN"  # noqa: S608
                f" (SELECT {line} FROM ({later_rows}) later_rows)"
            )
        return duplicates

    def delete_replaced(self) -> tuple[int, int]:
        """Delete the existing rows of every (person, month) in the file: (pairs, rows)."""
        months = f"{self.table}_months"
        self.execute(
            f"CREATE TEMP TABLE {months} AS SELECT DISTINCT person_id, service_month"  # noqa: S608
            f" FROM {self.table}"
        )
        self.execute(f"SELECT COUNT(*) FROM {months}")  # noqa: S608
        (pairs,) = self.cursor.fetchone()
        if self.postgres:
            self.execute(f"ANALYZE {months}")
            deleted = self.execute(
                f"DELETE FROM {self.target} t USING {months} m"  # noqa: S608
                " WHERE t.person_id = m.person_id AND t.service_month = m.service_month"
            )
        else:
            deleted = self.execute(
                f"DELETE FROM {self.target} WHERE EXISTS (SELECT 1 FROM {months} m"  # noqa: S608
                f" WHERE m.person_id = {self.target}.person_id"
                f" AND m.service_month = {self.target}.service_month)"
            )
        self.execute(f"DROP TABLE {months}")
        return pairs, deleted

    def insert(self, *, batch_id: int) -> int:
        columns = ", ".join(self.columns[1:])
        return self.execute(
            f"INSERT INTO {self.target} ({columns}, batch_id)"  # noqa: S608
            f" SELECT {columns}, %s FROM {self.table}",
            [batch_id],
        )

    def drop(self) -> None:
        self.execute(f"DROP TABLE {self.table}")
        self.cursor.close()


def _one_import_at_a_time(kind: str, union: Union | None) -> None:
    # Two imports replacing the same months at once would collide on the unique line key.
    one_import_at_a_time(f"medical.imports.{kind}", union)


def _last_import_was(union: Union | None, kind: str, digest: str) -> bool:
    return last_import_was(ImportBatch.objects.filter(union=union, kind=kind), digest)


# --- The drug master ----------------------------------------------------------------------------

_DRUG_COLUMNS = ("医薬品コード", "医薬品名", "単位", "薬価", "後発品フラグ")
_DRUG_CODE = re.compile(r"[0-9A-Za-z]{1,12}")


def _drug_code(value: str, label: str, errors: list[str], *, required: bool) -> str:
    value = value.strip()
    if not value:
        if required:
            errors.append(f"{label}が空欄です")
    elif not _DRUG_CODE.fullmatch(value):
        errors.append(f"{label}「{value}」は12文字までの半角英数字です")
        return ""
    return value


@dataclass
class _DrugRow:
    line: int
    fields: list[str]
    code: str
    name: str
    unit: str
    unit_price: Decimal
    is_generic: bool
    generic_code: str


def _upsert_drugs(
    stream: IO[bytes], encoding: str, result: MedicalImportResult, *, dry_run: bool
) -> None:
    # The master is national and small (tens of thousands of drugs): it is read whole.
    records = Records(stream, encoding, _DRUG_COLUMNS)
    result.header = records.header
    ix = records.index
    rows: dict[str, _DrugRow] = {}
    try:
        for line, fields in records:
            result.rows_total += 1
            errors: list[str] = []
            if wrong_width := width_error(records.header, fields):
                errors.append(wrong_width)
            else:
                code = _drug_code(fields[ix["医薬品コード"]], "医薬品コード", errors, required=True)
                name = _text(fields, ix["医薬品名"], "医薬品名", errors, max_length=200)
                unit = _text(fields, ix["単位"], "単位", errors, max_length=20)
                price = _decimal(fields[ix["薬価"]], "薬価", errors, places=2, digits=12)
                flag = fields[ix["後発品フラグ"]].strip()
                if flag not in ("0", "1"):
                    errors.append(f"後発品フラグ「{flag}」は0か1です")
                generic_index = ix.get("後発医薬品コード")
                generic = (
                    _drug_code(fields[generic_index], "後発医薬品コード", errors, required=False)
                    if generic_index is not None
                    else ""
                )
                if generic and flag == "1":
                    errors.append("後発品（後発品フラグ1）には後発医薬品コードを指定できません")
                if code in rows:
                    errors.append(f"{rows[code].line}行目と同じ医薬品コードの行です")
            if errors:
                result.rejections.append(Rejection(line, errors, records.row_dict(fields)))
                continue
            rows[code] = _DrugRow(line, fields, code, name, unit, price, flag == "1", generic)
    finally:
        records.close()

    existing = {drug.code: drug for drug in Drug.objects.all().iterator(chunk_size=10_000)}
    # A 後発医薬品コード must name a generic: in this file if there, else in the master. Dropping
    # a row can orphan another that pointed at it, hence the loop.
    while True:
        bad = {}
        for row in rows.values():
            if not row.generic_code:
                continue
            target = rows.get(row.generic_code)
            is_generic = target.is_generic if target else None
            if target is None and row.generic_code in existing:
                is_generic = existing[row.generic_code].is_generic
            if is_generic is None:
                bad[row.code] = (
                    f"後発医薬品コード「{row.generic_code}」が医薬品マスタにもこのファイルにもありません"
                )
            elif not is_generic:
                bad[row.code] = (
                    f"後発医薬品コード「{row.generic_code}」の医薬品は後発品ではありません"
                )
        if not bad:
            break
        for code, reason in bad.items():
            row = rows.pop(code)
            result.rejections.append(Rejection(row.line, [reason], records.row_dict(row.fields)))
    result.rejections.sort(key=lambda rejection: rejection.line)

    batch = ImportBatch.objects.create(
        union=None, kind=ImportBatch.Kind.DRUGS, file_name=result.file_name, sha256=result.sha256
    )
    created, changed = [], set()
    for row in rows.values():
        drug = existing.get(row.code)
        if drug is None:
            created.append(
                Drug(
                    code=row.code,
                    name=row.name,
                    unit=row.unit,
                    unit_price=row.unit_price,
                    is_generic=row.is_generic,
                )
            )
            continue
        for attribute in ("name", "unit", "unit_price", "is_generic"):
            if getattr(drug, attribute) != getattr(row, attribute):
                setattr(drug, attribute, getattr(row, attribute))
                changed.add(row.code)
    Drug.objects.bulk_create(created, batch_size=SQLITE_BATCH)
    Drug.objects.bulk_update(
        [existing[code] for code in changed],
        ["name", "unit", "unit_price", "is_generic"],
        batch_size=1_000,
    )
    # Generic references, now that every drug of the file has an id.
    ids = dict(Drug.objects.values_list("code", "pk"))
    by_code = {drug.code: drug for drug in created} | existing
    relinked = []
    for row in rows.values():
        drug = by_code[row.code]
        generic_id = ids[row.generic_code] if row.generic_code else None
        if drug.generic_id != generic_id:
            drug.generic_id = generic_id
            relinked.append(drug)
            if row.code in existing:
                changed.add(row.code)
    Drug.objects.bulk_update(relinked, ["generic"], batch_size=1_000)

    result.rows_imported = len(rows)
    result.drugs_created = len(created)
    result.drugs_updated = len(changed)
    result.drugs_unchanged = len(rows) - len(created) - len(changed)
    finish(batch, result)
    if not dry_run:
        result.batch = batch
