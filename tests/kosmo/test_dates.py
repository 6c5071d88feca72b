import datetime as dt

import pytest

from kosmo.dates import fiscal_year, fiscal_year_bounds, format_month, format_wareki, to_wareki


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1927, 1, 1), "昭和2年1月1日"),
        (dt.date(1979, 8, 22), "昭和54年8月22日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1990, 1, 1), "平成2年1月1日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(2025, 7, 4), "令和7年7月4日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
    ],
)
def test_wareki_era_boundaries(day, expected):
    assert format_wareki(day) == expected


def test_wareki_of_a_datetime_uses_its_date():
    assert to_wareki(dt.datetime(2019, 5, 1, 0, 0, 1)).format() == "令和元年5月1日"


def test_wareki_month_label():
    assert to_wareki(dt.date(2019, 5, 31)).format_month() == "令和元年5月"


def test_wareki_refuses_pre_gregorian_dates():
    with pytest.raises(ValueError):
        to_wareki(dt.date(1872, 12, 31))


def test_empty_date_formats_as_empty_text():
    assert format_wareki(None) == ""


@pytest.mark.parametrize(
    ("day", "year"),
    [(dt.date(2025, 3, 31), 2024), (dt.date(2025, 4, 1), 2025), (dt.date(2026, 1, 15), 2025)],
)
def test_fiscal_year_runs_april_to_march(day, year):
    assert fiscal_year(day) == year


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2024) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def test_month_is_shown_as_in_the_manuals_lists():
    assert format_month(dt.date(2025, 1, 1)) == "2025/01"


@pytest.mark.parametrize(
    "value", [dt.date(2025, 1, 1), dt.date(2019, 12, 31), dt.date(987, 3, 1), None]
)
def test_month_input_writes_what_the_date_filter_wrote(value):
    from django.template import Context, Template

    source = "{% load kosmo %}{{ value|date:'Y-m' }}|{{ value|month_input }}"
    django_s, ours = Template(source).render(Context({"value": value})).split("|")
    assert ours == django_s
