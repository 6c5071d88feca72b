"""`import_certificates`: 資格確認書 交付年月日・有効期限・利用停止 from the union's CSV
(layout in docs/eligibility.md). Bad rows are reported with their line numbers; the good ones
are imported; importing the same file again changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from eligibility.models import EligibilityCertificate
from kosmo.models import Person, Union

REQUIRED = ["記号", "番号", "枝番", "交付年月日", "有効期限"]
OPTIONAL = ["利用停止", "利用停止の理由"]
SUSPENDED_VALUES = {"1": True, "0": False, "": False}


class ImportRefused(Exception):
    """The file as a whole cannot be read (encoding, header)."""


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS (CP932); anything else is refused."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。")


def _date(value: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value)
    if not match:
        raise ValueError
    return dt.date(*(int(part) for part in match.groups()))


def import_certificates(union: Union, content: bytes) -> Report:
    """Create or update the certificates the file lists for persons of `union`."""
    reader = csv.DictReader(io.StringIO(decode(content), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRefused(f"必須の列がありません: {'、'.join(missing)}")
    reader.fieldnames = header
    persons = {
        (p.household.symbol, p.household.number, p.branch): p
        for p in Person.objects.filter(household__union=union).select_related("household")
    }
    existing = {
        cert.person_id: cert
        for cert in EligibilityCertificate.objects.filter(person__household__union=union)
    }
    report = Report()
    for row in reader:
        line = reader.line_num
        values = {key: (value or "").strip() for key, value in row.items() if key}
        if not any(values.values()):
            continue
        person = persons.get((values["記号"], values["番号"], values["枝番"]))
        if person is None:
            report.errors.append((line, "記号・番号・枝番に該当する加入者がいません。"))
            continue
        try:
            issued_on = _date(values["交付年月日"])
        except ValueError:
            report.errors.append((line, "交付年月日は YYYY-MM-DD の形式で入力してください。"))
            continue
        try:
            expires_on = _date(values["有効期限"])
        except ValueError:
            report.errors.append((line, "有効期限は YYYY-MM-DD の形式で入力してください。"))
            continue
        if expires_on < issued_on:
            report.errors.append((line, "有効期限が交付年月日より前です。"))
            continue
        suspended_text = values.get("利用停止", "")
        if suspended_text not in SUSPENDED_VALUES:
            report.errors.append((line, "利用停止は 1 (停止) か 0 (なし) を入力してください。"))
            continue
        wanted = {
            "issued_on": issued_on,
            "expires_on": expires_on,
            "suspended": SUSPENDED_VALUES[suspended_text],
            "suspension_reason": values.get("利用停止の理由", "")[:200],
        }
        cert = existing.get(person.pk)
        if cert is None:
            existing[person.pk] = EligibilityCertificate.objects.create(person=person, **wanted)
            report.created += 1
        elif all(getattr(cert, key) == value for key, value in wanted.items()):
            report.unchanged += 1
        else:
            for key, value in wanted.items():
                setattr(cert, key, value)
            cert.save()
            report.updated += 1
    return report
