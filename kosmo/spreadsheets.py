"""Cells that a spreadsheet shows as text, never runs as a formula (OWASP "CSV Injection").

Every CSV and xlsx the project writes goes through `safe_cell` (directly, or through
`csv_writer`): text opening with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, which Excel and LibreOffice read as "this cell is text". Numbers stay
numbers: an int or Decimal passes untouched, and so does text that is only a number
(``-1200``, ``-1,200.5``), which a spreadsheet reads as that number and never as a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ASCII digits only: Python's \d would also take full-width ones.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")


def safe_cell(value: Any) -> Any:
    """`value` as a cell a spreadsheet cannot run: formula-like text prefixed with ``'``.

    None, numbers, dates and other non-text values are returned as they are.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, out: TextIO, **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **fmtparams: Any) -> SafeWriter:
    """A csv writer for exports opened in Excel: every cell neutralised by `safe_cell`.

    Quoting defaults to every cell, as OWASP advises, so that a cell holding ``;`` cannot
    open a new cell in a spreadsheet that splits on semicolons; pass ``quoting=`` to keep an
    external format's own quoting.
    """
    fmtparams.setdefault("quoting", csv.QUOTE_ALL)
    return SafeWriter(out, **fmtparams)
