"""Downloaded files: a Japanese name for the member, an ASCII one for clients that cannot read
it (RFC 6266)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.utils.http import content_disposition_header


def attachment(filename: str, *, fallback: str) -> str:
    """The Content-Disposition of a download: `filename` (Japanese) as `filename*`, which
    browsers use, and `fallback` (ASCII) as `filename` for those that ignore it (curl -J)."""
    return f"{content_disposition_header(True, fallback)}; filename*=utf-8''{quote(filename)}"


def period_name(start: dt.date, end: dt.date) -> str:
    """A period of months as a file name reads it: 2025年度, 2025年3月, 2025年3月-2026年2月."""
    if (start.month, end.month, end.year) == (4, 3, start.year + 1):
        return f"{start.year}年度"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}月-{end.year}年{end.month}月"
