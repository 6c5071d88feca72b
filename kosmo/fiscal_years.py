"""The 「過去」 pages' grouping: month totals per 年度 (April–March), as the year accordion shows
them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from kosmo.dates import fiscal_year


@dataclass
class FiscalYear:
    """One 年度: its total and each month's, newest first."""

    year: int
    total: int = 0
    months: list[tuple[dt.date, int]] = field(default_factory=list)


Y = TypeVar("Y", bound=FiscalYear)


def group_by_fiscal_year(
    month_totals: Iterable[tuple[dt.date, int]], *, year_class: type[Y] = FiscalYear
) -> list[Y]:
    """(month, amount) pairs, newest month first, as 年度 newest first; each month kept in
    the order given."""
    years: dict[int, Y] = {}
    for month, amount in month_totals:
        year = fiscal_year(month)
        entry = years.setdefault(year, year_class(year))
        entry.total += amount
        entry.months.append((month, amount))
    return list(years.values())
