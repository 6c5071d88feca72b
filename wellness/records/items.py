"""The record items (記録項目) as data: what a member can record, its unit, its valid range and
how its chart sums a period. A union overrides an item's name, range, order or switches it
off in admin (`ItemOverride`); `Items.for_union` merges the two, and every page, form and
import reads the items only through it.

BMI is not typed in: it is derived from the day's 体重 and the latest 身長 on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


class Kind:
    INTEGER = "integer"
    DECIMAL = "decimal"
    DERIVED = "derived"  # computed (BMI), never recorded


class Summary:
    """How a chart's bar for a month (year view) sums the days."""

    TOTAL = "total"  # 歩数: the month's total (and a daily average beside it)
    AVERAGE = "average"  # 体重, 血圧 …: the average of the recorded days


@dataclass(frozen=True)
class Item:
    key: str
    name: str
    unit: str
    kind: str
    minimum: Decimal | None
    maximum: Decimal | None
    places: int
    summary: str
    order: int
    enabled: bool = True

    @property
    def recordable(self) -> bool:
        return self.kind != Kind.DERIVED

    @property
    def step(self) -> str:
        """The HTML input's step for the item's decimal places ("1", "0.1")."""
        return str(Decimal(1).scaleb(-self.places))

    def quantize(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.places))

    def display(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        value = self.quantize(value)
        if self.places == 0:
            return f"{int(value):,}"
        return f"{value:,.{self.places}f}"

    def in_range(self, value: Decimal) -> bool:
        return self.minimum <= value <= self.maximum


def _d(text: str) -> Decimal:
    return Decimal(text)


# The shipped items; ranges are what a person can plausibly measure on one day.
SHIPPED: tuple[Item, ...] = (
    Item("steps", _("歩数"), _("歩"), Kind.INTEGER, _d("0"), _d("100000"), 0, Summary.TOTAL, 10),
    Item("weight", _("体重"), "kg", Kind.DECIMAL, _d("20.0"), _d("300.0"), 1, Summary.AVERAGE, 20),
    Item("height", _("身長"), "cm", Kind.DECIMAL, _d("100.0"), _d("250.0"), 1, Summary.AVERAGE, 25),
    Item("bmi", _("BMI"), "", Kind.DERIVED, None, None, 1, Summary.AVERAGE, 30),
    Item(
        "body_fat", _("体脂肪率"), "%", Kind.DECIMAL, _d("1.0"), _d("70.0"), 1, Summary.AVERAGE, 40
    ),
    Item("sbp", _("血圧(上)"), "mmHg", Kind.INTEGER, _d("50"), _d("250"), 0, Summary.AVERAGE, 50),
    Item("dbp", _("血圧(下)"), "mmHg", Kind.INTEGER, _d("30"), _d("150"), 0, Summary.AVERAGE, 60),
    Item(
        "sleep",
        _("睡眠時間"),
        _("時間"),
        Kind.DECIMAL,
        _d("0.0"),
        _d("24.0"),
        1,
        Summary.AVERAGE,
        70,
    ),
    Item(
        "alcohol", _("飲酒"), _("合"), Kind.DECIMAL, _d("0.0"), _d("10.0"), 1, Summary.AVERAGE, 80
    ),
    Item("meals", _("食事"), _("回"), Kind.INTEGER, _d("0"), _d("6"), 0, Summary.AVERAGE, 90),
)
SHIPPED_BY_KEY = {item.key: item for item in SHIPPED}
KEY_CHOICES = [(item.key, item.name) for item in SHIPPED]
STEPS, WEIGHT, HEIGHT, BMI = "steps", "weight", "height", "bmi"


def bmi(weight: Decimal, height_cm: Decimal) -> Decimal:
    metres = height_cm / 100
    return (weight / (metres * metres)).quantize(Decimal("0.1"))


class Items:
    """A union's items: the shipped ones with its overrides applied, in display order."""

    def __init__(self, items: list[Item]) -> None:
        self.all = sorted(items, key=lambda item: (item.order, item.key))
        self.by_key = {item.key: item for item in self.all}

    @classmethod
    def with_overrides(cls, overrides) -> Items:
        by_key = dict(SHIPPED_BY_KEY)
        for override in overrides:
            item = by_key.get(override.item_key)
            if item is None:
                continue
            changes = {"enabled": override.enabled}
            if override.name:
                changes["name"] = override.name
            if override.minimum is not None and item.recordable:
                changes["minimum"] = override.minimum
            if override.maximum is not None and item.recordable:
                changes["maximum"] = override.maximum
            if override.order is not None:
                changes["order"] = override.order
            by_key[item.key] = replace(item, **changes)
        return cls(list(by_key.values()))

    @classmethod
    def for_union(cls, union) -> Items:
        """One query: the union's overrides."""
        from wellness.records.models import ItemOverride

        return cls.with_overrides(ItemOverride.objects.filter(union=union))

    @property
    def enabled(self) -> list[Item]:
        return [item for item in self.all if item.enabled]

    @property
    def recordable(self) -> list[Item]:
        return [item for item in self.enabled if item.recordable]

    def get(self, key: str) -> Item | None:
        item = self.by_key.get(key)
        return item if item is not None and item.enabled else None
