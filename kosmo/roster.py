"""The member roster (加入者台帳): the first load of a union's persons and every monthly 異動.

`import_persons` reads the roster as the union's core system exports it (docs/imports.md,
「加入者台帳」) through the shared engine (kosmo.imports) and brings the union's households
and persons in step with it, in one transaction:

- a person is matched by 記号・番号・枝番, with the 生年月日 as a check (a different birth
  date is a rejected row, never an overwrite);
- a new key is a new person (and a new household when its 記号・番号 is new);
- a known person whose values differ is updated, and each change leaves a `PersonChange`
  row with the values before and after (資格喪失 sets `disqualified_on`);
- a row with 旧記号・旧番号・旧枝番 moves the person found there to the row's key (転勤,
  任意継続, a dependent who becomes insured): the same Person, so the same account, and the
  person's rows in other apps follow to the new household;
- persons absent from the file are never deleted: the summary counts the covered ones, and
  with `full=True` (the whole roster) they are listed and marked for review;
- importing the same file again changes nothing.

Valid rows stream into a TEMP staging table (COPY on PostgreSQL, batched INSERTs on SQLite);
the checks across rows and against the database, and the inserts and updates, are SQL over
that table, so memory does not grow with the file (only rejected rows are kept). A file in
記号・番号 order, as core systems export a roster, is checked across rows as it streams in
(`_KeyOrder`), a household at a time. On PostgreSQL the first load of such a file (the union
has no households yet) needs no staging table: the rows go straight into kosmo_person with
household ids drawn from the sequence, and the households after them (`_first_load`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

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
    stage_rows,
    width_error,
)
from kosmo.imports import (
    summary_lines as shared_summary_lines,
)
from kosmo.insurer_numbers import insurer_number_error
from kosmo.models import Household, Person, PersonChange, RosterImport, Union

REQUIRED = (
    "記号", "番号", "枝番", "区分", "続柄", "氏名", "カナ氏名", "生年月日", "性別",
    "資格取得日", "資格喪失日", "郵便番号", "住所",
)  # fmt: skip
OLD_KEY = ("旧記号", "旧番号", "旧枝番")

ROLES = {"被保険者": Person.Role.INSURED, "被扶養者": Person.Role.DEPENDENT}

R = Person.Relationship
# 続柄 as core systems write them → the portal's relationship (a data table, not a ladder).
RELATIONSHIPS: dict[str, str] = {
    "本人": R.SELF,
    **dict.fromkeys(["配偶者", "夫", "妻"], R.SPOUSE),
    **dict.fromkeys(
        [
            "子",
            "長男",
            "長女",
            "次男",
            "次女",
            "二男",
            "二女",
            "三男",
            "三女",
            "四男",
            "四女",
            "養子",
            "養女",
            "実子",
        ],
        R.CHILD,
    ),  # fmt: skip
    **dict.fromkeys(["父母", "父", "母", "義父", "義母", "養父", "養母"], R.PARENT),
    **dict.fromkeys(["祖父母", "祖父", "祖母"], R.GRANDPARENT),
    **dict.fromkeys(["孫"], R.GRANDCHILD),
    **dict.fromkeys(["兄弟姉妹", "兄", "弟", "姉", "妹"], R.SIBLING),
    "その他": R.OTHER,
}
SEXES = {
    "男": Person.Sex.MALE,
    "1": Person.Sex.MALE,
    "女": Person.Sex.FEMALE,
    "2": Person.Sex.FEMALE,
}

# Plain strings for the rows (an enum member costs an attribute lookup per row).
ROLES = {label: role.value for label, role in ROLES.items()}
RELATIONSHIPS = {label: relationship.value for label, relationship in RELATIONSHIPS.items()}
SEXES = {label: sex.value for label, sex in SEXES.items()}

# Person.email (an EmailField): validate_email accepts up to 320 characters, the column 254.
EMAIL_MAX_LENGTH = Person._meta.get_field("email").max_length
ANALYZE_AFTER = 1_000  # rows inserted into a table before its statistics are refreshed
HOUSEHOLD_STATISTICS = "union_id, symbol, number"  # the columns this import joins on
PERSON_STATISTICS = "household_id, branch, role"
# A first load of an ordered file goes straight into the tables (`_first_load`); False sends
# every import through staging (the tests compare the two).
FIRST_LOAD_WITHOUT_STAGING = True
# Household ids drawn from the sequence for `_first_load`, a block per COPY of persons,
# doubling from the first to the last size (ids left over are skipped, as after a rollback).
FIRST_ID_BLOCK, LAST_ID_BLOCK = 1_024, 65_536
RESERVE_IDS = "SELECT nextval(%s::regclass) FROM generate_series(1, %s)"  # a sequence, how many
# COPY's text format: the characters it escapes.
COPY_TEXT = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
STAGING_STATISTICS = 10  # the staging tables' statistics target (PostgreSQL's default: 100)
# Memory for each sort and hash of this import's queries (PostgreSQL; for its transaction only):
# a million-person roster's households (the new persons' join) fit in it instead of spilling
# to disk in batches (the default 4 MB). The queries run one at a time.
WORK_MEM = "64MB"
_DATE = re.compile(
    r"([0-9]{4})(?:-([0-9]{1,2})-([0-9]{1,2})|/([0-9]{1,2})/([0-9]{1,2})|([0-9]{2})([0-9]{2}))"
)
_POSTAL = re.compile(r"[0-9]{3}-?[0-9]{4}")

# The person's columns a roster row sets, in staging order (after the key columns).
PERSON_FIELDS = (
    "role", "relationship", "family_name", "given_name", "family_name_kana",
    "given_name_kana", "sex", "birth_date", "qualified_on", "disqualified_on",
    "postal_code", "address", "email",
)  # fmt: skip
DATE_FIELDS = {"birth_date", "qualified_on", "disqualified_on"}
STAGING = (
    ("line_no", "integer"),
    ("symbol", "varchar(8)"),
    ("number", "varchar(8)"),
    ("branch", "varchar(2)"),
    ("role", "varchar(16)"),
    ("relationship", "varchar(16)"),
    ("family_name", "varchar(50)"),
    ("given_name", "varchar(50)"),
    ("family_name_kana", "varchar(50)"),
    ("given_name_kana", "varchar(50)"),
    ("sex", "varchar(1)"),
    ("birth_date", "date"),
    ("qualified_on", "date"),
    ("disqualified_on", "date"),
    ("postal_code", "varchar(8)"),
    ("address", "varchar(200)"),
    ("email", "varchar(254)"),
    ("old_symbol", "varchar(8)"),
    ("old_number", "varchar(8)"),
    ("old_branch", "varchar(2)"),
)
COLUMNS = [name for name, _type in STAGING]
STAGING_TYPES = {name: sql_type.split("(")[0] for name, sql_type in STAGING}  # for binary COPY
PERSONS_COPY = (
    f"COPY kosmo_person (household_id, branch, {', '.join(PERSON_FIELDS)}) FROM STDIN"
    " (FORMAT BINARY)"
)
PERSONS_COPY_TYPES = ["bigint", *(STAGING_TYPES[name] for name in ("branch", *PERSON_FIELDS))]


@dataclass(kw_only=True)
class RosterResult(ImportResult):
    """What one roster import did (or, in a dry run, would do)."""

    full: bool = False
    created: int = 0
    updated: int = 0
    disqualified: int = 0
    moved: int = 0
    unchanged: int = 0
    missing: int = 0
    # The first persons absent from a full roster, as 「記号・番号・枝番 氏名」.
    missing_listed: list[str] = field(default_factory=list)
    batch: RosterImport | None = None


# --- Public API ---------------------------------------------------------------------------------


def import_persons(
    *,
    union: Union,
    source: Source,
    file_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    full: bool = False,
    today: dt.date | None = None,
    list_missing: int = 20,
) -> RosterResult:
    """Bring `union`'s persons in step with a roster CSV (see the module docstring).

    Bad rows are rejected with their line and Japanese reasons, the others applied, all in one
    transaction. If the union's last roster import was this very file, nothing is done
    (`already_imported`) unless `force`. `dry_run` checks and counts and changes nothing.
    Raises `ImportRefused` for a file that cannot be read as a whole.
    """
    today = today or timezone.localdate()
    with open_source(source) as stream:
        name = file_name or name_of(source)
        encoding, digest = detect_encoding(stream)
        result = RosterResult(
            file_name=name, sha256=digest, encoding=encoding, dry_run=dry_run, full=full
        )
        with transaction.atomic():
            one_import_at_a_time("kosmo.roster", union)
            if not force and last_import_was(RosterImport.objects.filter(union=union), digest):
                result.already_imported = True
                return result
            batch = RosterImport.objects.create(
                union=union, file_name=name, sha256=digest, full=full
            )
            records = Records(stream, encoding, REQUIRED)
            result.header = records.header
            rejected = None
            straight = FIRST_LOAD_WITHOUT_STAGING and connection.vendor == "postgresql"
            if straight and not union.households.exists():
                rejected = _first_load(union, records, result, today=today)
                if rejected is None:  # not a file for it: read again, through staging
                    records = Records(stream, encoding, REQUIRED)
            if rejected is None:
                rejected = _through_staging(
                    union, batch, records, result, today=today, full=full, listed=list_missing
                )
            if rejected:
                raw = _raw_rows(stream, encoding, set(rejected))
                result.rejections += [
                    Rejection(line, reasons, records.row_dict(raw[line]))
                    for line, reasons in rejected.items()
                ]
                result.rejections.sort(key=lambda rejection: rejection.line)
            result.rows_imported = result.rows_total - result.rows_rejected
            finish(
                batch,
                result,
                persons_created=result.created,
                persons_updated=result.updated,
                persons_moved=result.moved,
                persons_unchanged=result.unchanged,
                persons_missing=result.missing,
            )
            if dry_run:
                transaction.set_rollback(True)
            else:
                result.batch = batch
    return result


def summary_lines(result: RosterResult, *, show_errors: int = 20) -> list[str]:
    """The operator's summary in Japanese: counts, rejections, then the missing persons."""
    detail = (
        f"新規 {result.created:,}人、更新 {result.updated:,}人（うち資格喪失 "
        f"{result.disqualified:,}人）、記号・番号の変更 {result.moved:,}人、"
        f"変更なし {result.unchanged:,}人"
    )
    lines = shared_summary_lines(result, title="加入者台帳", detail=detail, show_errors=show_errors)
    if result.already_imported:
        return lines
    if result.full:
        lines.append(
            f"  名簿にない有資格の加入者: {result.missing:,}人（削除せず「名簿にない（要確認）」"
            "にしました。管理画面の加入者で確認してください）"
        )
        lines += [f"    {entry}" for entry in result.missing_listed]
        if result.missing > len(result.missing_listed):
            lines.append(f"    ほか {result.missing - len(result.missing_listed):,}人")
    elif result.missing:
        lines.append(
            f"  このファイルにない有資格の加入者: {result.missing:,}人（異動分のファイルなら"
            "問題ありません。全件の名簿なら --full を付けて取り込むと確認対象にします）"
        )
    return lines


# --- Reading rows -------------------------------------------------------------------------------


def parse_date(value: str) -> dt.date | None:
    """YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD (西暦) → a date, or None."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    groups = [g for g in match.groups()[1:] if g is not None]
    try:
        return dt.date(int(match[1]), int(groups[0]), int(groups[1]))
    except ValueError:
        return None


def _row_parser(union: Union, ix: dict[str, int], today: dt.date):
    has_old = all(name in ix for name in OLD_KEY)
    email_ix = ix.get("メールアドレス")
    insurer_ix = ix.get("保険者番号")

    # Values repeat (資格取得日 of a whole company, birth dates): each text is parsed once.
    dates: dict[str, dt.date | None] = {}

    def value(fields: list[str], name: str) -> str:
        return fields[ix[name]]

    def text(fields, name, errors, *, max_length, required=True) -> str:
        found = value(fields, name)
        if not found and required:
            errors.append(f"{name}が空欄です")
        elif len(found) > max_length:
            errors.append(f"{name}が長すぎます（{max_length}文字まで）")
        return found

    def key(symbol: str, number: str, branch: str, labels, errors) -> str:
        for label, found in zip(labels[:2], (symbol, number), strict=True):
            if not found:
                errors.append(f"{label}が空欄です")
            elif len(found) > 8:
                errors.append(f"{label}が長すぎます（8文字まで）")
        if not branch:
            errors.append(f"{labels[2]}が空欄です")
        elif not (branch.isascii() and branch.isdigit() and len(branch) <= 2):
            errors.append(f"{labels[2]}「{branch}」は2桁までの数字です")
        return branch.zfill(2)

    def name_pair(fields, label, errors) -> tuple[str, str]:
        full = value(fields, label)
        if not full:
            errors.append(f"{label}が空欄です")
            return "", ""
        family, space, given = full.partition(" ")
        if not space:
            family, space, given = full.partition("\u3000")
        given = given.strip(" \u3000")
        if not given:
            errors.append(f"{label}「{full}」は姓と名を空白で区切ってください（例: 山田 太郎）")
            return "", ""
        if len(family) > 50 or len(given) > 50:
            errors.append(f"{label}が長すぎます（姓・名それぞれ50文字まで）")
        return family, given

    def date(fields, label, errors, *, required=True) -> dt.date | None:
        found = value(fields, label)
        if not found:
            if required:
                errors.append(f"{label}が空欄です")
            return None
        parsed = dates.get(found, False)
        if parsed is False:
            parsed = dates[found] = parse_date(found)
        if parsed is None or parsed.year < 1900:
            errors.append(
                f"{label}「{found}」が正しくありません"
                "（YYYY-MM-DD、YYYY/MM/DD または YYYYMMDD で入力してください）"
            )
            return None
        return parsed

    def parse(fields: list[str], errors: list[str]) -> tuple | None:
        fields = [found.strip() for found in fields]
        if insurer_ix is not None:
            insurer = fields[insurer_ix]
            problem = insurer_number_error(insurer)
            if problem:
                errors.append(problem)
            elif insurer != union.insurer_number:
                errors.append(
                    f"保険者番号「{insurer}」がこの健康保険組合の保険者番号"
                    f"（{union.insurer_number}）と違います"
                )
        symbol, number = value(fields, "記号"), value(fields, "番号")
        branch = key(symbol, number, value(fields, "枝番"), ("記号", "番号", "枝番"), errors)
        role_label = value(fields, "区分")
        role = ROLES.get(role_label)
        if role is None:
            errors.append(
                f"区分「{role_label}」は不明です（被保険者・被扶養者のいずれか）"
                if role_label
                else "区分が空欄です"
            )
        relation_label = value(fields, "続柄")
        relationship = RELATIONSHIPS.get(relation_label)
        if relationship is None:
            errors.append(
                f"続柄「{relation_label}」は不明です"
                "（本人・配偶者・子・父母・祖父母・孫・兄弟姉妹・その他など）"
                if relation_label
                else "続柄が空欄です"
            )
        elif role == Person.Role.INSURED and relationship != R.SELF:
            errors.append(f"被保険者の続柄は「本人」です（「{relation_label}」になっています）")
        elif role == Person.Role.DEPENDENT and relationship == R.SELF:
            errors.append("被扶養者の続柄に「本人」は使えません")
        family, given = name_pair(fields, "氏名", errors)
        family_kana, given_kana = name_pair(fields, "カナ氏名", errors)
        sex_label = value(fields, "性別")
        sex = SEXES.get(sex_label)
        if sex is None:
            errors.append(
                f"性別「{sex_label}」は不明です（男・女 または 1・2）"
                if sex_label
                else "性別が空欄です"
            )
        birth = date(fields, "生年月日", errors)
        if birth is not None and birth > today:
            errors.append(f"生年月日「{value(fields, '生年月日')}」が未来の日付です")
        qualified = date(fields, "資格取得日", errors)
        disqualified = date(fields, "資格喪失日", errors, required=False)
        if birth and qualified and qualified < birth:
            errors.append(
                f"資格取得日（{qualified:%Y-%m-%d}）が生年月日（{birth:%Y-%m-%d}）より前です"
            )
        if qualified and disqualified and disqualified < qualified:
            errors.append(
                f"資格喪失日（{disqualified:%Y-%m-%d}）が資格取得日（{qualified:%Y-%m-%d}）"
                "より前です"
            )
        postal = value(fields, "郵便番号")
        if postal and not _POSTAL.fullmatch(postal):
            errors.append(f"郵便番号「{postal}」は7桁の数字です（例: 160-0023）")
        elif postal:
            postal = f"{postal[:3]}-{postal[-4:]}"
        address = text(fields, "住所", errors, max_length=200, required=False)
        email = fields[email_ix] if email_ix is not None else ""
        if len(email) > EMAIL_MAX_LENGTH:
            errors.append(f"メールアドレスが長すぎます（{EMAIL_MAX_LENGTH}文字まで）")
        elif email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"メールアドレス「{email}」が正しくありません")
        old = (None, None, None)
        if has_old:
            old_values = [value(fields, name) for name in OLD_KEY]
            if any(old_values):
                if not all(old_values):
                    errors.append("旧記号・旧番号・旧枝番は3つそろえて入力してください")
                else:
                    old_branch = key(*old_values, OLD_KEY, errors)
                    old = (old_values[0], old_values[1], old_branch)
                    if old == (symbol, number, branch):
                        old = (None, None, None)
        if errors:
            return None
        return (
            symbol, number, branch, role, relationship, family, given,
            family_kana, given_kana, sex, birth, qualified, disqualified,
            postal, address, email, *old,
        )  # fmt: skip

    return parse


def _plain_row_parser(union: Union, ix: dict[str, int], today: dt.date):
    """The quick path for the common row: `plain(line, fields)` gives exactly the staged row,
    (line, *the row `parse` would give), when every value is in its plain form (no 旧記号・
    旧番号・旧枝番, nothing to report), else None and the row goes through `parse` for its
    reasons. One pass, no calls per value:
    the valid labels, branches, dates and postal codes are looked up in tables (dates and
    postal codes memoised, as they repeat across a roster)."""
    symbol_ix, number_ix, branch_ix = ix["記号"], ix["番号"], ix["枝番"]
    role_ix, relation_ix, sex_ix = ix["区分"], ix["続柄"], ix["性別"]
    name_ix, kana_ix = ix["氏名"], ix["カナ氏名"]
    birth_ix, qualified_ix, disqualified_ix = ix["生年月日"], ix["資格取得日"], ix["資格喪失日"]
    postal_ix, address_ix = ix["郵便番号"], ix["住所"]
    email_ix = ix.get("メールアドレス")
    insurer_ix = ix.get("保険者番号")
    own_insurer = union.insurer_number if not insurer_number_error(union.insurer_number) else None
    old_ixs = [ix[name] for name in OLD_KEY] if all(name in ix for name in OLD_KEY) else []
    roles = {  # (区分, 続柄) → (role, relationship), the consistent pairs only
        (role_label, relation_label): (role, relationship)
        for role_label, role in ROLES.items()
        for relation_label, relationship in RELATIONSHIPS.items()
        if (relationship == R.SELF) == (role == Person.Role.INSURED)
    }
    branches = {f"{n}": f"{n:02d}" for n in range(10)} | {
        f"{n:02d}": f"{n:02d}" for n in range(100)
    }
    dates: dict[str, dt.date] = {}  # the valid ones (西暦 1900 or later)
    postals: dict[str, str] = {"": ""}

    def good_date(text: str) -> dt.date | None:
        parsed = parse_date(text) if text else None
        if parsed is None or parsed.year < 1900:
            return None
        dates[text] = parsed
        return parsed

    def good_postal(text: str) -> str | None:
        if not _POSTAL.fullmatch(text):
            return None
        postals[text] = normalised = f"{text[:3]}-{text[-4:]}"
        return normalised

    def plain(line: int, fields: list[str]) -> tuple | None:
        fields = list(map(str.strip, fields))
        if insurer_ix is not None and (own_insurer is None or fields[insurer_ix] != own_insurer):
            return None
        if old_ixs and any(fields[i] for i in old_ixs):
            return None
        symbol, number = fields[symbol_ix], fields[number_ix]
        branch = branches.get(fields[branch_ix])
        pair = roles.get((fields[role_ix], fields[relation_ix]))
        sex = SEXES.get(fields[sex_ix])
        if (
            branch is None
            or pair is None
            or sex is None
            or not symbol
            or not number
            or len(symbol) > 8
            or len(number) > 8
        ):
            return None
        # A name of up to 50 characters has parts of up to 50 (a longer one takes the full
        # checks, which measure each part).
        full = fields[name_ix]
        if len(full) > 50:
            return None
        family, space, given = full.partition(" ")
        if not space:
            family, space, given = full.partition("\u3000")
        given = given.strip(" \u3000")
        full = fields[kana_ix]
        if len(full) > 50:
            return None
        family_kana, space, given_kana = full.partition(" ")
        if not space:
            family_kana, space, given_kana = full.partition("\u3000")
        given_kana = given_kana.strip(" \u3000")
        if not given or not given_kana:
            return None
        text = fields[birth_ix]
        birth = dates.get(text) or good_date(text)
        text = fields[qualified_ix]
        qualified = dates.get(text) or good_date(text)
        if birth is None or qualified is None or birth > today or qualified < birth:
            return None
        text = fields[disqualified_ix]
        disqualified = None
        if text:
            disqualified = dates.get(text) or good_date(text)
            if disqualified is None or disqualified < qualified:
                return None
        text = fields[postal_ix]
        postal = postals.get(text)
        if postal is None:
            postal = good_postal(text)
        address = fields[address_ix]
        if postal is None or len(address) > 200:
            return None
        email = fields[email_ix] if email_ix is not None else ""
        if len(email) > EMAIL_MAX_LENGTH:
            return None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                return None
        return (
            line, symbol, number, branch, *pair, family, given, family_kana, given_kana, sex,
            birth, qualified, disqualified, postal, address, email, None, None, None,
        )  # fmt: skip

    return plain


def _checked_rows(
    union: Union, records: Records, result: RosterResult, today: dt.date
) -> Iterator[tuple]:
    """The file's rows to stage, each checked on its own (`_valid_rows`)."""
    return _valid_rows(
        _plain_row_parser(union, records.index, today),
        _row_parser(union, records.index, today),
        records,
        result,
    )


def _valid_rows(plain, parse, records: Records, result: RosterResult) -> Iterator[tuple]:
    """The rows to stage, as (line, *values); the rejected ones go to `result`. A row takes
    the quick path (`plain`) if it can, else `parse`, which says what is wrong with it."""
    width = len(records.header)
    total = 0
    try:
        for line, fields in records:
            total += 1
            if len(fields) == width and (row := plain(line, fields)) is not None:
                yield row
                continue
            errors: list[str] = []
            if wrong_width := width_error(records.header, fields):
                errors.append(wrong_width)
                row = None
            else:
                row = parse(fields, errors)
            if row is None:
                result.rejections.append(Rejection(line, errors, records.row_dict(fields)))
            else:
                yield (line, *row)
    finally:
        result.rows_total += total


def _raw_rows(stream: IO[bytes], encoding: str, lines: set[int]) -> dict[int, list[str]]:
    """The fields of the records at `lines` (a second pass, only for rows rejected in SQL)."""
    records = Records(stream, encoding, REQUIRED)
    try:
        return {line: fields for line, fields in records if line in lines}
    finally:
        records.close()


def _through_staging(
    union: Union,
    batch: RosterImport,
    records: Records,
    result: RosterResult,
    *,
    today: dt.date,
    full: bool,
    listed: int,
) -> dict[int, list[str]]:
    """Any import: the valid rows into the staging table, checked across rows and against the
    database there, then applied. The rows rejected in SQL, with their reasons."""
    staging = _Staging(union)
    try:
        staging.load(_checked_rows(union, records, result, today))
    finally:
        records.close()
    rejected = staging.check_across_rows()
    rejected |= _move_persons(staging, union, batch, result)
    rejected |= staging.check_against_database()
    _apply(staging, union, batch, result, today=today, full=full, listed=listed)
    staging.drop()
    return rejected


def _first_load(
    union: Union, records: Records, result: RosterResult, *, today: dt.date
) -> dict[int, list[str]] | None:
    """A first load (the union has no households yet) of a file in 記号・番号 order, as core
    systems export a roster, on PostgreSQL: without a staging table. As each household's last
    row passes, its rows, less those that clash (`_KeyOrder.households`), are COPYed straight
    into kosmo_person under a household id drawn from kosmo_household's sequence; the
    households follow in one COPY (the foreign keys are checked at COMMIT). The database holds
    nothing of the union's to check rows against. The rows rejected here, with their reasons.

    At a row out of order or naming an old key (旧記号・旧番号・旧枝番) it undoes what it wrote
    and gives None: the caller reads the file again through staging."""
    savepoint = transaction.savepoint()
    order = _KeyOrder()
    rows = _checked_rows(union, records, result, today)
    groups = order.households(rows)
    households = io.StringIO()  # their COPY text: a few bytes each, not a row object
    created = made = 0  # persons, households
    block = FIRST_ID_BLOCK
    with connection.cursor() as cursor:
        # The sequence by name: nextval then costs a fraction of looking it up for each id.
        cursor.execute("SELECT pg_get_serial_sequence('kosmo_household', 'id')")
        (sequence,) = cursor.fetchone()
        group = next(groups, None)
        while group is not None:
            cursor.execute(RESERVE_IDS, [sequence, block])
            ids = [pk for (pk,) in reversed(cursor.fetchall())]
            block = min(2 * block, LAST_ID_BLOCK)
            with cursor.copy(PERSONS_COPY) as copy:
                copy.set_types(PERSONS_COPY_TYPES)
                while group is not None and ids:
                    household_id = ids.pop()
                    symbol, number = group[0][1:3]
                    households.write(
                        f"{household_id}\t{union.pk}\t{symbol.translate(COPY_TEXT)}"
                        f"\t{number.translate(COPY_TEXT)}\n"
                    )
                    for row in group:
                        copy.write_row((household_id, *row[3:17]))
                    created += len(group)
                    made += 1
                    group = next(groups, None)
        records.close()
        if not order.ordered or order.moved:
            groups.close()
            rows.close()
            transaction.savepoint_rollback(savepoint)
            result.rows_total = 0
            result.rejections.clear()
            return None
        households.seek(0)
        with cursor.copy("COPY kosmo_household (id, union_id, symbol, number) FROM STDIN") as copy:
            while chunk := households.read(1 << 20):
                copy.write(chunk)
        analyze_if_grown(cursor, "kosmo_household", made, HOUSEHOLD_STATISTICS)
        analyze_if_grown(cursor, "kosmo_person", created, PERSON_STATISTICS)
    transaction.savepoint_commit(savepoint)
    result.created = created
    rejected: dict[int, list[str]] = {}
    for line, reason in _clash_reasons(order.clashes + order.orphans):
        _merge(rejected, line, reason)
    return rejected


# --- Staging ------------------------------------------------------------------------------------


def _merge(into: dict[int, list[str]], line: int, reason: str) -> None:
    into.setdefault(line, []).append(reason)


INSURED = Person.Role.INSURED.value
NOTHING: frozenset[int] = frozenset()


class _KeyOrder:
    """The checks across rows, made while the rows stream into staging when the file is in
    記号・番号 order, as core systems export a roster: a household's rows are then together,
    so its repeated keys, second insured rows and missing insured row are known when its
    last row has passed, holding one household at a time. At the first row out of order it
    gives up (`ordered` is False) and `_Staging.clashes_in_sql` finds them instead.

    A clash is (line, first line of its key, the household's first insured line or None,
    記号, 番号), as `clashes_in_sql` gives it; `orphans` are the rows of households without
    an insured row (not also a clash), which count only on a first load."""

    __slots__ = ("ordered", "moved", "clashes", "orphans", "key", "rows")

    def __init__(self) -> None:
        self.ordered = True
        self.moved = False  # `households` met a row with an old key
        self.clashes: list[tuple] = []
        self.orphans: list[tuple] = []
        self.key: tuple[str, str] | None = None
        self.rows: list[tuple[int, str, str]] = []  # (line, 枝番, 区分) of the household

    def see(self, row: tuple) -> set[int] | frozenset[int] | None:
        """Take a staged row (line, 記号, 番号, 枝番, 区分, …). When it begins another
        household, the one before is checked (`finish`): its lines found, else None."""
        key = row[1:3]
        found = None
        if key != self.key:
            if not self.ordered:
                return None
            found = self.finish()
            if self.key is not None and key < self.key:
                self.ordered = False
                self.clashes, self.orphans = [], []
                return found
            self.key = key
        self.rows.append((row[0], row[3], row[4]))
        return found

    def households(self, rows: Iterable[tuple]) -> Iterator[list[tuple]]:
        """The staged rows of each household as its last row passes, less the rows that clash
        and all those of a household without an insured row (for a first load: there is no
        insured person in the database). Stops at a row out of order (`ordered` is then
        False) or with an old key (`moved`)."""
        group: list[tuple] = []
        for row in rows:
            if row[-1] is not None:
                self.moved = True
                return
            found = self.see(row)
            if not self.ordered:
                return
            if found is not None:  # the household before this row is complete
                if kept := _kept(group, found):
                    yield kept
                group = []
            group.append(row)
        if kept := _kept(group, self.finish()):
            yield kept

    def finish(self) -> set[int] | frozenset[int]:
        """Check the household whose rows have all passed: the lines it found."""
        rows, self.rows = self.rows, []
        if len(rows) == 2:  # the common households first: nothing to find
            (_, branch, role), (_, other_branch, other_role) = rows
            if branch != other_branch and (role == INSURED) != (other_role == INSURED):
                return NOTHING
        elif not rows or (len(rows) == 1 and rows[0][2] == INSURED):
            return NOTHING
        firsts: dict[str, int] = {}
        for line, branch, _role in rows:
            firsts.setdefault(branch, line)
        insured = [
            line for line, branch, role in rows if role == INSURED and firsts[branch] == line
        ]
        first_insured = min(insured, default=None)
        symbol, number = self.key
        found = set()
        for line, branch, role in rows:
            clash = (line, firsts[branch], first_insured, symbol, number)
            if line != firsts[branch] or (role == INSURED and line != first_insured):
                self.clashes.append(clash)
                found.add(line)
            elif first_insured is None:
                self.orphans.append(clash)
                found.add(line)
        return found


def _kept(group: list[tuple], found: set[int] | frozenset[int]) -> list[tuple]:
    """A household's rows less the lines `_KeyOrder.finish` found in it."""
    return [row for row in group if row[0] not in found] if found else group


def _clash_reasons(clashes: Iterable[tuple]) -> list[tuple[int, str]]:
    """(line, reason) for the clashes of `_KeyOrder` or `_Staging.clashes_in_sql`."""
    return [
        (line, f"{first}行目と同じ記号・番号・枝番の行です")
        if line != first
        else (line, f"{insured}行目と同じ世帯（記号・番号）に被保険者がもう1人います")
        if insured is not None
        else (line, _no_insured(symbol, number))
        for line, first, insured, symbol, number in sorted(clashes)
    ]


class _Staging:
    """The file's valid rows in a TEMP table; the SQL here is built from this module's own
    names only, values travel as parameters or through COPY."""

    def __init__(self, union: Union) -> None:
        self.union = union
        self.postgres = connection.vendor == "postgresql"
        self.schema = "pg_temp" if self.postgres else "temp"
        self.table = f"{self.schema}.roster_staging"
        self.resolved = 0
        self.movers = 0  # rows with 旧記号・旧番号・旧枝番
        self.orphans_checked = False  # the dependents without an insured person (a first load)
        self.order = _KeyOrder()  # the checks across rows, as the rows come (`load`)
        self.cursor = connection.cursor()
        if self.postgres:
            self.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        for name in ("roster_staging", "roster_resolved_1"):
            self.execute(f"DROP TABLE IF EXISTS {self.schema}.{name}")
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in STAGING)
        self.execute(
            f"CREATE TEMP TABLE {self.table} ({columns}, household_id bigint, person_id bigint)"
        )

    def execute(self, sql: str, params: Iterable | None = None) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def fetch(self, sql: str, params: Iterable | None = None) -> list[tuple]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall()

    def load(self, rows: Iterable[tuple]) -> None:
        order = self.order
        stage_rows(
            self.cursor,
            self.table,
            COLUMNS,
            self._watched(rows),
            types=list(STAGING_TYPES.values()),
        )
        order.finish()
        # The key index serves the checks across rows in SQL (a file out of order) and the
        # movers' joins; a table rebuilt by `resolve` has its own.
        if self.movers or not order.ordered:
            index = "" if self.postgres else f"{self.schema}.roster_staging_key"
            self.execute(f"CREATE INDEX {index} ON roster_staging (symbol, number, branch)")
        self.analyze("symbol, number, branch, role, old_symbol, household_id, person_id")

    def _watched(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        """The rows as they pass into staging: checked across rows (`order`), movers counted."""
        see = self.order.see
        for row in rows:
            see(row)
            if row[-1] is not None:
                self.movers += 1
            yield row

    def reject(self, found: list[tuple[int, str]], into: dict[int, list[str]]) -> None:
        """Record (line, reason) pairs and take those lines out of the staging table."""
        for line, reason in found:
            _merge(into, line, reason)
        lines = sorted({line for line, _reason in found})
        for start in range(0, len(lines), 500):
            chunk = lines[start : start + 500]
            self.execute(
                f"DELETE FROM {self.table} WHERE line_no IN"  # noqa: S608
                f" ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )

    def check_across_rows(self) -> dict[int, list[str]]:
        """Rows that clash with another row of the file: a key twice, two insured persons in
        one household, the old row of a person the file moves elsewhere."""
        rejected: dict[int, list[str]] = {}
        # A first load without movers has no persons in the database that a dependent's
        # household could have: its dependents without an insured row are found here too
        # (the household's first insured row is never rejected here).
        self.orphans_checked = not self.movers and not self.union.households.exists()
        if self.order.ordered:
            clashes = self.order.clashes + (self.order.orphans if self.orphans_checked else [])
        else:
            clashes = self.clashes_in_sql()
        self.reject(_clash_reasons(clashes), rejected)
        if not self.movers:
            return rejected
        old_rows = self.fetch(
            f"SELECT s.line_no, MIN(m.line_no) FROM {self.table} s JOIN {self.table} m"  # noqa: S608
            " ON m.old_symbol = s.symbol AND m.old_number = s.number AND m.old_branch = s.branch"
            " GROUP BY s.line_no"
        )
        self.reject(
            [
                (line, f"{mover}行目で新しい記号・番号・枝番に移る加入者の旧い行です")
                for line, mover in old_rows
            ],
            rejected,
        )
        return rejected

    def clashes_in_sql(self) -> list[tuple]:
        """What `_KeyOrder` finds, from the staging table whatever the rows' order: one sort
        for all. A later row of a key is a duplicate; of the first rows of each key, an
        insured one after the household's first insured one is a second insured; with
        `orphans_checked`, the rows of a household without an insured first row."""
        orphans = " OR first_insured IS NULL" if self.orphans_checked else ""
        return self.fetch(
            "SELECT line_no, first_line, first_insured, symbol, number FROM (SELECT line_no,"  # noqa: S608
            " role, symbol, number, first_line, MIN(line_no)"
            " FILTER (WHERE role = 'insured' AND line_no = first_line)"
            " OVER (PARTITION BY symbol, number) AS first_insured"
            " FROM (SELECT line_no, role, symbol, number, MIN(line_no)"
            f" OVER (PARTITION BY symbol, number, branch) AS first_line FROM {self.table}) k"
            ") ranked WHERE line_no <> first_line"
            f" OR (role = 'insured' AND line_no <> first_insured){orphans}"
        )

    def analyze(self, columns: str) -> None:
        """Refresh the planner's statistics of the staging table (PostgreSQL), for the columns
        this import joins and filters on only: the text columns' statistics cost the most and
        no query here needs them. It is sampled lightly (3,000 rows instead of 30,000): its row
        count is exact either way, and its joins need only rough figures."""
        if not self.postgres:
            return
        targets = ", ".join(
            f"ALTER COLUMN {column} SET STATISTICS {STAGING_STATISTICS}"
            for column in columns.split(", ")
        )
        self.execute(f"ALTER TABLE {self.table} {targets}")
        self.execute(f"ANALYZE {self.table} ({columns})")

    def resolve(self) -> None:
        """Give every row its household_id and person_id from the database (None when new):
        the table is rebuilt with them (CREATE TABLE AS, cheaper than updating every row).
        A union without households yet (a first load) has nothing to find: the ids stay
        None."""
        if not self.union.households.exists():
            return
        self.resolved += 1
        name = f"roster_resolved_{self.resolved}"
        columns = ", ".join(f"s.{column}" for column in COLUMNS)
        self.execute(
            f"CREATE TEMP TABLE {name} AS SELECT {columns},"  # noqa: S608
            " h.id AS household_id, p.id AS person_id"
            f" FROM {self.table} s LEFT JOIN kosmo_household h ON h.union_id = %s"
            " AND h.symbol = s.symbol AND h.number = s.number"
            " LEFT JOIN kosmo_person p ON p.household_id = h.id AND p.branch = s.branch",
            [self.union.pk],
        )
        self.execute(f"DROP TABLE {self.table}")
        self.table = f"{self.schema}.{name}"
        for suffix, columns in (("key", "symbol, number, branch"), ("person", "person_id")):
            index = "" if self.postgres else f"{self.schema}.{name}_{suffix}"
            self.execute(f"CREATE INDEX {index} ON {name} ({columns})")
        self.analyze("symbol, number, branch, role, household_id, person_id")

    def check_against_database(self) -> dict[int, list[str]]:
        """Rows that contradict the database: a known key with another birth date, a
        dependent whose household has no insured person, an insured person where the
        household already has another one who stays insured."""
        rejected: dict[int, list[str]] = {}
        self.resolve()
        mismatched = self.fetch(
            f"SELECT s.line_no, p.birth_date FROM {self.table} s"  # noqa: S608
            " JOIN kosmo_person p ON p.id = s.person_id WHERE p.birth_date <> s.birth_date"
        )
        self.reject(
            [
                (
                    line,
                    "生年月日が登録済みの加入者と一致しません"
                    f"（登録済み: {_as_date(birth):%Y-%m-%d}）。記号・番号・枝番を確認してください",
                )
                for line, birth in mismatched
            ],
            rejected,
        )
        other_insured = self.fetch(
            f"SELECT s.line_no, p.branch FROM {self.table} s JOIN kosmo_person p"  # noqa: S608
            " ON p.household_id = s.household_id AND p.role = 'insured' AND p.branch <> s.branch"
            f" WHERE s.role = 'insured' AND NOT EXISTS (SELECT 1 FROM {self.table} d"
            " WHERE d.person_id = p.id AND d.role = 'dependent')"
        )
        self.reject(
            [
                (line, f"この世帯には別の被保険者（枝番「{branch}」）が登録されています")
                for line, branch in other_insured
            ],
            rejected,
        )
        if self.orphans_checked:
            return rejected
        # Repeated: a dependent rejected for its household leaves no row to change that.
        orphans = self.fetch(
            f"SELECT s.line_no, s.symbol, s.number FROM {self.table} s"  # noqa: S608
            " WHERE s.role = 'dependent'"
            f" AND NOT EXISTS (SELECT 1 FROM {self.table} i WHERE i.role = 'insured'"
            " AND i.symbol = s.symbol AND i.number = s.number)"
            " AND NOT EXISTS (SELECT 1 FROM kosmo_person p WHERE p.household_id = s.household_id"
            f" AND p.role = 'insured' AND NOT EXISTS (SELECT 1 FROM {self.table} d"
            " WHERE d.person_id = p.id AND d.role = 'dependent'))"
        )
        self.reject(
            [(line, _no_insured(symbol, number)) for line, symbol, number in orphans], rejected
        )
        return rejected

    def drop(self) -> None:
        self.execute(f"DROP TABLE {self.table}")
        self.cursor.close()


def _no_insured(symbol: str, number: str) -> str:
    return f"世帯（記号・番号「{symbol}・{number}」）に被保険者がいません"


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


# --- Moving persons (旧記号・旧番号・旧枝番) -------------------------------------------------


def _move_persons(
    staging: _Staging, union: Union, batch: RosterImport, result: RosterResult
) -> dict[int, list[str]]:
    """Move each person named by a row's old key to the row's key; rows are few (転勤, 任意継続,
    就職), so this goes person by person. The row then updates the moved person as usual."""
    rejected: dict[int, list[str]] = {}
    if not staging.movers:
        return rejected
    movers = staging.fetch(
        f"SELECT line_no, symbol, number, branch, birth_date, old_symbol, old_number,"  # noqa: S608
        f" old_branch FROM {staging.table} WHERE old_symbol IS NOT NULL ORDER BY line_no"
    )
    for line, symbol, number, branch, birth, old_symbol, old_number, old_branch in movers:
        persons = Person.objects.filter(household__union=union).select_related("household")
        if persons.filter(
            household__symbol=symbol, household__number=number, branch=branch
        ).exists():
            continue  # already moved by an earlier import: the key matches as usual
        person = persons.filter(
            household__symbol=old_symbol, household__number=old_number, branch=old_branch
        ).first()
        if person is None:
            continue  # nobody at the old key: the row is a new person
        if person.birth_date != _as_date(birth):
            staging.reject(
                [
                    (
                        line,
                        f"旧記号・旧番号・旧枝番「{old_symbol}・{old_number}・{old_branch}」の"
                        "加入者と生年月日が一致しません",
                    )
                ],
                rejected,
            )
            continue
        household, _created = Household.objects.get_or_create(
            union=union, symbol=symbol, number=number
        )
        move_person(person, household=household, branch=branch, roster_import=batch)
        result.moved += 1
    return rejected


def move_person(
    person: Person,
    *,
    household: Household,
    branch: str,
    roster_import: RosterImport | None = None,
    actor=None,
) -> None:
    """Move `person` to `household` under `branch`, with their history: every row of any app
    that names the person and a household follows to the new household, so the person's
    claims, payments, results … stay theirs. Their account is on the Person and stays.

    An insured person moving into a household is made a dependent for the move if the
    household already has an insured person; the roster row that moved them sets the role.
    """
    before = {
        "記号": person.household.symbol,
        "番号": person.household.number,
        "枝番": person.branch,
    }
    if person.is_insured and household.persons.filter(role=Person.Role.INSURED).exists():
        person.role, person.relationship = Person.Role.DEPENDENT, Person.Relationship.OTHER
    person.household, person.branch = household, branch
    person.save(update_fields=["household", "branch", "role", "relationship"])
    for model, person_field, household_fields in _household_rows():
        model._meta.default_manager.filter(**{person_field: person}).update(
            **dict.fromkeys(household_fields, household)
        )
    PersonChange.objects.create(
        person=person,
        kind=PersonChange.Kind.MOVED,
        changes={
            name: [before[name], after]
            for name, after in (
                ("記号", household.symbol),
                ("番号", household.number),
                ("枝番", branch),
            )
        },
        roster_import=roster_import,
        actor=actor,
    )


def _household_rows() -> list[tuple[type, str, list[str]]]:
    """(model, person field, household fields) of every model that stores both a person and
    the household it belongs to (claims, payments, checkups …), found from the models'
    own field definitions."""
    found = []
    for model in apps.get_models():
        if model is Person:
            continue
        relations = [
            f for f in model._meta.get_fields() if f.many_to_one and f.concrete and f.related_model
        ]
        person_fields = [f.name for f in relations if f.related_model is Person]
        household_fields = [f.name for f in relations if f.related_model is Household]
        if person_fields and household_fields:
            found += [(model, name, household_fields) for name in person_fields]
    return found


# --- Applying ------------------------------------------------------------------------------------

LABELS = {
    "role": "区分",
    "relationship": "続柄",
    "family_name": "姓",
    "given_name": "名",
    "family_name_kana": "姓(カナ)",
    "given_name_kana": "名(カナ)",
    "sex": "性別",
    "birth_date": "生年月日",
    "qualified_on": "資格取得日",
    "disqualified_on": "資格喪失日",
    "postal_code": "郵便番号",
    "address": "住所",
    "email": "連絡先メールアドレス",
    "review_requested_on": "名簿にない（要確認）",
}


def _apply(
    staging: _Staging,
    union: Union,
    batch: RosterImport,
    result: RosterResult,
    *,
    today: dt.date,
    full: bool,
    listed: int,
) -> None:
    # New households, in the order of their first rows: their ids follow the file (its key
    # order, as a roster comes), and the new persons, inserted in that order too, append to
    # their indexes. (Sorting by the first line's number, not by the keys' text in the
    # database's collation, costs a fraction at a million rows.) The new persons find their
    # households by key when they are inserted.
    households = staging.execute(
        "INSERT INTO kosmo_household (union_id, symbol, number)"  # noqa: S608
        f" SELECT %s, symbol, number FROM {staging.table} WHERE household_id IS NULL"
        " GROUP BY symbol, number ORDER BY MIN(line_no)",
        [union.pk],
    )
    analyze_if_grown(staging.cursor, "kosmo_household", households, HOUSEHOLD_STATISTICS)
    table = staging.table
    # Changed persons: compared in SQL, the few that differ read into Python for the audit.
    differs = " OR ".join(
        [f"p.{name} IS DISTINCT FROM s.{name}" for name in PERSON_FIELDS]
        + ["p.review_requested_on IS NOT NULL"]
    )
    if not staging.postgres:
        differs = differs.replace("IS DISTINCT FROM", "IS NOT")
    old_columns = ", ".join(f"p.{name}" for name in (*PERSON_FIELDS, "review_requested_on"))
    new_columns = ", ".join(f"s.{name}" for name in PERSON_FIELDS)
    changed = staging.fetch(
        f"SELECT p.id, {old_columns}, {new_columns} FROM {table} s"  # noqa: S608
        f" JOIN kosmo_person p ON p.id = s.person_id WHERE {differs}"
    )
    matched = staging.fetch(f"SELECT COUNT(*) FROM {table} WHERE person_id IS NOT NULL")[0][0]  # noqa: S608
    audit = []
    width = len(PERSON_FIELDS)
    for row in changed:
        person_id, old, new = row[0], row[1 : 1 + width + 1], row[2 + width :]
        changes = {}
        for name, before, after in zip(PERSON_FIELDS, old[:width], new, strict=True):
            if name in DATE_FIELDS:
                before = _as_date(before) if before else None
                after = _as_date(after) if after else None
            if before != after:
                changes[LABELS[name]] = [_json(before), _json(after)]
        kind = PersonChange.Kind.UPDATED
        disqualified = changes.get(LABELS["disqualified_on"])
        if disqualified and disqualified[0] is None:
            kind = PersonChange.Kind.DISQUALIFIED
            result.disqualified += 1
        elif disqualified and disqualified[1] is None:
            kind = PersonChange.Kind.REQUALIFIED
        elif not changes and old[width] is not None:
            kind = PersonChange.Kind.REAPPEARED
        if old[width] is not None:
            changes[LABELS["review_requested_on"]] = [_json(_as_date(old[width])), None]
        audit.append(
            PersonChange(person_id=person_id, kind=kind, changes=changes, roster_import=batch)
        )
    result.updated = len(changed)
    result.unchanged = matched - len(changed)
    assignments = ", ".join(f"{name} = s.{name}" for name in PERSON_FIELDS)
    update = (
        f"UPDATE kosmo_person SET {assignments}, review_requested_on = NULL"  # noqa: S608
        f" FROM {table} s WHERE s.person_id = kosmo_person.id AND ({{condition}})"
    )
    update_differs = differs.replace("p.", "kosmo_person.")
    # Insured persons who become dependents first: a household has one insured at a time.
    staging.execute(
        update.format(
            condition="kosmo_person.role = 'insured' AND s.role = 'dependent'"
            f" AND ({update_differs})"
        )
    )
    staging.execute(update.format(condition=update_differs))
    PersonChange.objects.bulk_create(audit, batch_size=1_000)
    # Before the new persons exist: the covered persons the file does not name.
    result.missing, result.missing_listed = _missing(
        staging, union, batch, today=today, full=full, listed=listed
    )
    # The new persons' households by their key: the rows of new households have no
    # household_id in the staging table (it is not rebuilt for them).
    columns = ", ".join(("household_id", "branch", *PERSON_FIELDS))
    values = ", ".join(f"s.{name}" for name in ("branch", *PERSON_FIELDS))
    result.created = staging.execute(
        f"INSERT INTO kosmo_person ({columns}) SELECT h.id, {values}"  # noqa: S608
        f" FROM {table} s JOIN kosmo_household h ON h.union_id = %s AND h.symbol = s.symbol"
        " AND h.number = s.number WHERE s.person_id IS NULL",
        [union.pk],
    )
    analyze_if_grown(staging.cursor, "kosmo_person", result.created, PERSON_STATISTICS)


def analyze_if_grown(cursor, table: str, inserted: int, columns: str) -> None:
    """Refresh the planner's statistics of a table that just grew a lot (a first load), so the
    joins of this import and the next are planned for its real size (the columns they join
    on; autovacuum refreshes the others after the COMMIT). PostgreSQL only."""
    if inserted >= ANALYZE_AFTER and connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table} ({columns})")


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _missing(
    staging: _Staging,
    union: Union,
    batch: RosterImport,
    *,
    today: dt.date,
    full: bool,
    listed: int,
) -> tuple[int, list[str]]:
    """The covered persons of the union that the file does not name. With `full`, those not
    yet marked are marked for review (with an audit row); the first `listed` are described."""
    absent = (
        f"FROM kosmo_person p JOIN kosmo_household h ON h.id = p.household_id"  # noqa: S608
        " WHERE h.union_id = %s AND (p.disqualified_on IS NULL OR p.disqualified_on > %s)"
        f" AND NOT EXISTS (SELECT 1 FROM {staging.table} s WHERE s.person_id = p.id)"
    )
    params = [union.pk, today]
    count = staging.fetch(f"SELECT COUNT(*) {absent}", params)[0][0]
    if not full or not count:
        return count, []
    newly = [
        pk
        for (pk,) in staging.fetch(
            f"SELECT p.id {absent} AND p.review_requested_on IS NULL", params
        )
    ]
    staging.execute(
        "UPDATE kosmo_person SET review_requested_on = %s"  # noqa: S608
        f" WHERE review_requested_on IS NULL AND id IN (SELECT p.id {absent})",
        [today, *params],
    )
    PersonChange.objects.bulk_create(
        [
            PersonChange(
                person_id=pk,
                kind=PersonChange.Kind.MISSING,
                changes={LABELS["review_requested_on"]: [None, today.isoformat()]},
                roster_import=batch,
            )
            for pk in newly
        ],
        batch_size=1_000,
    )
    first = [
        pk
        for (pk,) in staging.fetch(
            f"SELECT p.id {absent} ORDER BY h.symbol, h.number, p.branch LIMIT %s",
            [*params, listed],
        )
    ]
    persons = Person.objects.select_related("household").in_bulk(first)
    described = [
        f"{p.household.symbol}・{p.household.number}・{p.branch} {p.full_name}"
        for p in (persons[pk] for pk in first)
    ]
    return count, described
