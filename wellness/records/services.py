"""The write side of 日々の記録: every value is saved through `record_values` (one item on one
date, or many dates of one item from an import), which keeps the history and sends
`records_saved` once the transaction commits.

Rules: the value must be in the item's range (the union's, see items.py), the date must not
be after today in Asia/Tokyo (「未来日付は記録できません。」), and there is one value per item
per date: saving again replaces it and a RecordChange row keeps what it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kosmo.models import Person
from wellness.records.items import Item
from wellness.records.models import DailyRecord, DisplaySetting, RecordChange, Source
from wellness.records.signals import records_saved

FUTURE_DATE = "未来日付は記録できません。"


class RecordRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def today() -> dt.date:
    """Today in Asia/Tokyo (settings.TIME_ZONE): the last date that may be recorded."""
    return timezone.localdate()


def range_message(item: Item) -> str:
    return _("%(name)sは%(minimum)s〜%(maximum)s%(unit)sの範囲で入力してください。") % {
        "name": item.name,
        "minimum": item.display(item.minimum),
        "maximum": item.display(item.maximum),
        "unit": item.unit,
    }


def check(item: Item, day: dt.date, value: Decimal) -> None:
    """Raise RecordRefused (with the Japanese message) for a future date or a value out of range."""
    if not item.recordable:
        raise RecordRefused(_("%(name)sは記録できません。") % {"name": item.name})
    if day > today():
        raise RecordRefused(_(FUTURE_DATE))
    if not item.in_range(value):
        raise RecordRefused(range_message(item))


@transaction.atomic
def record_values(
    *, person: Person, item: Item, values: Mapping[dt.date, Decimal], source: str = Source.MANUAL
) -> int:
    """Save `values` ({date: value}) of `item` for `person`; every value is checked first and
    nothing is saved if one is refused. Returns how many dates changed (an unchanged value
    writes nothing: a re-import is a no-op)."""
    values = {day: item.quantize(Decimal(value)) for day, value in values.items()}
    for day, value in values.items():
        check(item, day, value)
    existing = {
        record.date: record
        for record in DailyRecord.objects.select_for_update().filter(
            person=person, item_key=item.key, date__in=list(values)
        )
    }
    created, updated, changes = [], [], []
    for day, value in sorted(values.items()):
        record = existing.get(day)
        if record is None:
            created.append(
                DailyRecord(person=person, item_key=item.key, date=day, value=value, source=source)
            )
            previous = None
        elif record.value != value:
            previous = record.value
            record.value, record.source = value, source
            updated.append(record)
        else:
            continue
        changes.append(
            RecordChange(
                person=person,
                item_key=item.key,
                date=day,
                previous=previous,
                value=value,
                source=source,
            )
        )
    DailyRecord.objects.bulk_create(created, batch_size=1000)
    DailyRecord.objects.bulk_update(updated, ["value", "source", "updated_at"], batch_size=1000)
    RecordChange.objects.bulk_create(changes, batch_size=1000)
    dates = sorted(change.date for change in changes)
    if dates:
        transaction.on_commit(
            lambda: records_saved.send(
                sender=DailyRecord, person=person, item_key=item.key, dates=dates, source=source
            )
        )
    return len(dates)


def record_value(
    *, person: Person, item: Item, day: dt.date, value: Decimal, source: str = Source.MANUAL
) -> bool:
    """Save one value (the record modal); True when it changed."""
    return bool(record_values(person=person, item=item, values={day: value}, source=source))


@transaction.atomic
def remove_record(*, record: DailyRecord) -> None:
    """「削除」: the value is gone, the history keeps it."""
    RecordChange.objects.create(
        person_id=record.person_id,
        item_key=record.item_key,
        date=record.date,
        previous=record.value,
        value=None,
        source=Source.MANUAL,
    )
    record.delete()


def set_hidden_items(*, person: Person, hidden: list[str]) -> None:
    """「記録項目表示設定」: hide these item keys from the records top page."""
    DisplaySetting.objects.update_or_create(person=person, defaults={"hidden": sorted(hidden)})
