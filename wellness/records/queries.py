"""The read side of 日々の記録, and the API later features call.

For other apps (points and missions — issue 22, the walking event — issue 23):

- `steps_on(person, day) -> int | None`: the steps recorded for that date (None: none).
- `steps_between(person, start, end) -> dict[date, int]`: the recorded steps of each date in
  [start, end] (dates without a record are absent).
- `value_on(person, item_key, day) -> Decimal | None`: any item's value on a date.
- `wellness.records.signals.records_saved`: sent after records are saved (see there).

Everything starts from the person; none of these reads another person's rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person
from wellness.records import items as item_data
from wellness.records.items import Item, Items, Summary
from wellness.records.models import DailyRecord, DisplaySetting


def steps_on(person: Person, day: dt.date) -> int | None:
    value = value_on(person, item_data.STEPS, day)
    return None if value is None else int(value)


def steps_between(person: Person, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    rows = DailyRecord.objects.filter(
        person=person, item_key=item_data.STEPS, date__range=(start, end)
    ).values_list("date", "value")
    return {day: int(value) for day, value in rows}


def value_on(person: Person, item_key: str, day: dt.date) -> Decimal | None:
    return (
        DailyRecord.objects.filter(person=person, item_key=item_key, date=day)
        .values_list("value", flat=True)
        .first()
    )


def records_for_member(person: Person):
    """The member's own records: anything else (another member's record id) is a 404."""
    return DailyRecord.objects.filter(person=person)


def hidden_items(person: Person) -> list[str]:
    setting = DisplaySetting.objects.filter(person=person).only("hidden").first()
    return list(setting.hidden) if setting else []


def values_on(person: Person, day: dt.date) -> dict[str, Decimal]:
    """Every item's value on one date (the bulk form), with BMI left to the caller."""
    return dict(
        DailyRecord.objects.filter(person=person, date=day).values_list("item_key", "value")
    )


@dataclass
class TopRow:
    item: Item
    value: Decimal | None
    date: dt.date | None

    @property
    def text(self) -> str:
        return self.item.display(self.value)


def latest_values(person: Person) -> dict[str, tuple[dt.date, Decimal]]:
    """Each item's latest record: one query, whatever the length of the history (the unique
    index on person, item, date finds each item's newest date)."""
    newest = (
        DailyRecord.objects.filter(person=person, item_key=OuterRef("item_key"))
        .order_by("-date")
        .values("date")[:1]
    )
    rows = DailyRecord.objects.filter(person=person, date=Subquery(newest)).values_list(
        "item_key", "date", "value"
    )
    return {key: (day, value) for key, day, value in rows}


def top_rows(person: Person, items: Items, hidden: list[str]) -> list[TopRow]:
    latest = latest_values(person)
    rows = []
    for item in items.enabled:
        if item.key in hidden:
            continue
        if item.key == item_data.BMI:
            day, value = _latest_bmi(latest)
        else:
            day, value = latest.get(item.key, (None, None))
        rows.append(TopRow(item, value, day))
    return rows


def _latest_bmi(latest: dict) -> tuple[dt.date | None, Decimal | None]:
    """The latest weight's BMI with the latest height (none without both)."""
    weight, height = latest.get(item_data.WEIGHT), latest.get(item_data.HEIGHT)
    if weight is None or height is None:
        return None, None
    return weight[0], item_data.bmi(weight[1], height[1])


# --- Charts ---------------------------------------------------------------------------------

PERIODS = {"week": _("週"), "month": _("月"), "year": _("年")}
WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 14, 34
WEEKDAYS = ["月", "火", "水", "木", "金", "土", "日"]


@dataclass
class Bucket:
    """One bar or point: a day (week, month) or a month (year)."""

    start: dt.date
    label: str  # under the axis
    long_label: str  # in the table
    value: Decimal | None = None
    days: int = 0  # recorded days in it (a month of the year view)
    text: str = ""
    future: bool = False  # after today: nothing can be recorded yet
    x: float = 0.0
    y: float = 0.0
    height: float = 0.0
    bar_x: float = 0.0

    @property
    def has_value(self) -> bool:
        return self.value is not None


@dataclass
class Tick:
    y: float
    text: str


@dataclass
class Chart:
    item: Item
    period: str
    start: dt.date
    end: dt.date
    buckets: list[Bucket]
    ticks: list[Tick] = field(default_factory=list)
    total: Decimal | None = None
    average: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    recorded_days: int = 0
    bar_width: float = 0.0
    width: int = WIDTH
    height: int = HEIGHT
    axis_y: float = HEIGHT - BOTTOM
    left: int = LEFT

    @property
    def has_data(self) -> bool:
        return self.recorded_days > 0

    @property
    def bars(self) -> bool:
        return self.item.summary == Summary.TOTAL

    @property
    def polyline(self) -> str:
        return " ".join(f"{b.x:.1f},{b.y:.1f}" for b in self.buckets if b.has_value)

    @property
    def points(self) -> list[Bucket]:
        return [b for b in self.buckets if b.has_value]

    @property
    def total_text(self) -> str:
        return self.item.display(self.total)

    @property
    def average_text(self) -> str:
        return self.item.display(self.average)

    @property
    def minimum_text(self) -> str:
        return self.item.display(self.minimum)

    @property
    def maximum_text(self) -> str:
        return self.item.display(self.maximum)


def period_bounds(period: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """week: Monday to Sunday around `anchor`; month: its calendar month; year: Jan–Dec."""
    if period == "week":
        start = anchor - dt.timedelta(days=anchor.weekday())
        return start, start + dt.timedelta(days=6)
    if period == "month":
        last = calendar.monthrange(anchor.year, anchor.month)[1]
        return anchor.replace(day=1), anchor.replace(day=last)
    return dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31)


def shift(period: str, anchor: dt.date, steps: int) -> dt.date:
    """The anchor of the previous (-1) or next (+1) period."""
    if period == "week":
        return anchor + dt.timedelta(days=7 * steps)
    if period == "month":
        month = anchor.year * 12 + anchor.month - 1 + steps
        return dt.date(month // 12, month % 12 + 1, 1)
    return dt.date(anchor.year + steps, 1, 1)


def daily_values(person: Person, item: Item, start: dt.date, end: dt.date) -> dict:
    """{date: value} of `item` in [start, end]: one query (two for BMI: weights and the
    heights up to `end`, the latest height on or before each weight's date)."""
    if item.key != item_data.BMI:
        return dict(
            DailyRecord.objects.filter(
                person=person, item_key=item.key, date__range=(start, end)
            ).values_list("date", "value")
        )
    rows = DailyRecord.objects.filter(
        person=person, item_key__in=[item_data.WEIGHT, item_data.HEIGHT], date__lte=end
    ).order_by("date")
    values, height = {}, None
    for key, day, value in rows.values_list("item_key", "date", "value"):
        if key == item_data.HEIGHT:
            height = value
        elif height is not None and day >= start:
            values[day] = item_data.bmi(value, height)
    return values


def chart(person: Person, item: Item, period: str, anchor: dt.date) -> Chart:
    """The item's chart for the week, month or year around `anchor`: buckets with SVG
    coordinates, y-axis ticks and the period's total / average / min / max."""
    start, end = period_bounds(period, anchor)
    days = daily_values(person, item, start, end)
    if period == "year":
        buckets = []
        for month in range(1, 13):
            in_month = [v for d, v in days.items() if d.month == month]
            value = None
            if in_month:
                total = sum(in_month, Decimal(0))
                value = total if item.summary == Summary.TOTAL else total / len(in_month)
            buckets.append(
                Bucket(
                    dt.date(start.year, month, 1),
                    f"{month}",
                    f"{start.year}年{month}月",
                    value,
                    len(in_month),
                )
            )
    else:
        buckets = []
        day = start
        while day <= end:
            label = f"{day.month}/{day.day}" if period == "week" else f"{day.day}"
            long_label = f"{day:%Y/%m/%d}({WEEKDAYS[day.weekday()]})"
            value = days.get(day)
            buckets.append(Bucket(day, label, long_label, value, int(value is not None)))
            day += dt.timedelta(days=1)
    today = timezone.localdate()
    for bucket in buckets:
        bucket.text = item.display(bucket.value)
        bucket.future = bucket.start > today
    result = Chart(item, period, start, end, buckets)
    values = list(days.values())
    result.recorded_days = len(values)
    if values:
        result.total = sum(values, Decimal(0))
        result.average = result.total / len(values)
        result.minimum, result.maximum = min(values), max(values)
    _layout(result)
    return result


def _nice(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10 if value >= 1 else 0.1
    while power * 10 < value:
        power *= 10
    for factor in (1, 2, 2.5, 5, 10):
        if power * factor >= value:
            return power * factor
    return power * 10


def _layout(result: Chart) -> None:
    shown = [float(b.value) for b in result.buckets if b.value is not None]
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM
    slot = inner_w / len(result.buckets)
    result.bar_width = max(slot * 0.6, 2.0)
    if result.bars or not shown:
        low, high = 0.0, _nice(max(shown, default=0) * 1.05)
    else:
        spread = (max(shown) - min(shown)) or max(abs(max(shown)) * 0.1, 1.0)
        step = _nice(spread / 2)
        low = max(0.0, (min(shown) - spread * 0.3) // step * step)
        high = low + step * 4
        while high < max(shown):
            high += step
    span = high - low
    for index, bucket in enumerate(result.buckets):
        bucket.x = LEFT + slot * index + slot / 2
        bucket.bar_x = bucket.x - result.bar_width / 2
        if bucket.value is not None:
            ratio = (float(bucket.value) - low) / span
            bucket.y = TOP + inner_h * (1 - ratio)
            bucket.height = HEIGHT - BOTTOM - bucket.y
    result.ticks = []
    for index in range(5):
        value = low + span * index / 4
        text = f"{value:,.0f}" if span >= 8 or value == int(value) else f"{value:,.1f}"
        result.ticks.append(Tick(TOP + inner_h * (1 - index / 4), text))
