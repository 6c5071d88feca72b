"""Dates as members read them: 和暦 on official documents, 年度 (April–March) in lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# (era, first day). 明治 is counted from the Gregorian calendar's adoption (明治6年1月1日);
# earlier dates were never Gregorian and are refused.
ERAS: tuple[tuple[str, dt.date], ...] = (
    ("令和", dt.date(2019, 5, 1)),
    ("平成", dt.date(1989, 1, 8)),
    ("昭和", dt.date(1926, 12, 25)),
    ("大正", dt.date(1912, 7, 30)),
    ("明治", dt.date(1868, 1, 25)),
)
GREGORIAN_ADOPTION = dt.date(1873, 1, 1)


@dataclass(frozen=True)
class WarekiDate:
    era: str
    year: int
    month: int
    day: int

    @property
    def year_label(self) -> str:
        """``元年`` for the first year of an era, else ``7年``."""
        return "元年" if self.year == 1 else f"{self.year}年"

    def format(self) -> str:
        """``令和7年7月4日``, ``令和元年5月1日``."""
        return f"{self.era}{self.year_label}{self.month}月{self.day}日"

    def format_month(self) -> str:
        return f"{self.era}{self.year_label}{self.month}月"

    def __str__(self) -> str:
        return self.format()


def to_wareki(value: dt.date) -> WarekiDate:
    """The Japanese-era date of a Gregorian date (datetimes: their date as given)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < GREGORIAN_ADOPTION:
        raise ValueError("dates before 1873-01-01 have no Gregorian 和暦 equivalent")
    for era, start in ERAS:
        if day >= start:
            return WarekiDate(era, day.year - start.year + 1, day.month, day.day)
    raise AssertionError("unreachable: 明治 covers every date from 1873")


def format_wareki(value: dt.date | None) -> str:
    return to_wareki(value).format() if value else ""


def fiscal_year(value: dt.date) -> int:
    """The 年度 a date falls in: 2025-04-01 … 2026-03-31 is 2025年度."""
    return value.year if value.month >= 4 else value.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a 年度."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def format_month(value: dt.date | None) -> str:
    """``2025/01`` as the manual's lists show a month."""
    return f"{value.year}/{value.month:02d}" if value else ""


def format_year_month(value: dt.date | None) -> str:
    """``2026年10月``: a month (stored as its first day) as staff screens show it."""
    return f"{value.year}年{value.month}月" if value else ""


def format_month_input(value: dt.date | None) -> str:
    """``2025-01``: a month as `<input type="month">` writes it (``|date:'Y-m'``)."""
    return f"{value.year:04d}-{value.month:02d}" if value else ""
