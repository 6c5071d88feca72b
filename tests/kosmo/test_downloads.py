"""Download names (RFC 6266): Japanese for the member, ASCII for clients that ignore filename*."""

import datetime as dt

import pytest

from kosmo import downloads


def test_the_header_carries_the_japanese_name_and_an_ascii_fallback():
    header = downloads.attachment("医療費明細_2025年度.pdf", fallback="iryouhi_meisai_2025.pdf")

    assert header == (
        'attachment; filename="iryouhi_meisai_2025.pdf"; '
        "filename*=utf-8''%E5%8C%BB%E7%99%82%E8%B2%BB%E6%98%8E%E7%B4%B0_2025%E5%B9%B4%E5%BA%A6.pdf"
    )


@pytest.mark.parametrize(
    ("start", "end", "name"),
    [
        (dt.date(2025, 4, 1), dt.date(2026, 3, 1), "2025年度"),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 1), "2025年3月"),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 1), "2025年1月-2025年12月"),
        (dt.date(2024, 4, 1), dt.date(2026, 3, 1), "2024年4月-2026年3月"),
    ],
)
def test_a_period_is_named_by_fiscal_year_month_or_range(start, end, name):
    assert downloads.period_name(start, end) == name
