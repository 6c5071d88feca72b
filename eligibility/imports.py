"""`import_certificates`: 資格確認書 交付年月日・有効期限・利用停止 from the union's CSV
(layout in docs/eligibility.md). Bad rows are reported with their line numbers; the good ones
are imported; importing the same file again changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from eligibility.models import EligibilityCertificate
from kosmo.imports import ImportRefused, Records, detect_encoding, persons_by_key
from kosmo.models import Union

REQUIRED = ["記号", "番号", "枝番", "交付年月日", "有効期限"]
OPTIONAL = ["利用停止", "利用停止の理由"]
SUSPENDED_VALUES = {"1": True, "0": False, "": False}
ENCODING_REFUSED = "文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _date(value: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value)
    if not match:
        raise ValueError
    return dt.date(*(int(part) for part in match.groups()))


def import_certificates(union: Union, content: bytes) -> Report:
    """Create or update the certificates the file lists for persons of `union`."""
    stream = io.BytesIO(content)
    try:
        encoding, _digest = detect_encoding(stream)
    except ImportRefused:
        raise ImportRefused(ENCODING_REFUSED) from None
    records = Records(stream, encoding, required=REQUIRED)
    persons = persons_by_key(union)
    existing = {
        cert.person_id: cert
        for cert in EligibilityCertificate.objects.filter(person__household__union=union)
    }
    report = Report()
    for line, fields in records:
        values = {
            name: fields[i].strip() if i < len(fields) else "" for name, i in records.index.items()
        }
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
        person_id, _household_id = person
        cert = existing.get(person_id)
        if cert is None:
            existing[person_id] = EligibilityCertificate.objects.create(
                person_id=person_id, **wanted
            )
            report.created += 1
        elif all(getattr(cert, key) == value for key, value in wanted.items()):
            report.unchanged += 1
        else:
            for key, value in wanted.items():
                setattr(cert, key, value)
            cert.save()
            report.updated += 1
    return report
