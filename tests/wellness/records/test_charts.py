"""Item detail: week / month / year chart data, months with no data, totals and averages,
and the page's SVG with its table (readable without JavaScript)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from wellness.records import queries
from wellness.records.items import Items
from wellness.records.models import DailyRecord


def _steps(person, values):
    DailyRecord.objects.bulk_create(
        DailyRecord(person=person, item_key="steps", date=day, value=value)
        for day, value in values.items()
    )


def _item(union, key):
    return Items.for_union(union).get(key)


def test_week_runs_monday_to_sunday_with_total_and_average(rich, insured):
    # 2025-06-11 is a Wednesday: its week is 06-09 (Mon) … 06-15 (Sun).
    _steps(
        insured.person,
        {dt.date(2025, 6, 8): 99999, dt.date(2025, 6, 9): 4000, dt.date(2025, 6, 15): 8000},
    )
    chart = queries.chart(insured.person, _item(rich, "steps"), "week", dt.date(2025, 6, 11))
    assert (chart.start, chart.end) == (dt.date(2025, 6, 9), dt.date(2025, 6, 15))
    assert [b.value for b in chart.buckets] == [4000, None, None, None, None, None, 8000]
    assert [b.label for b in chart.buckets][:2] == ["6/9", "6/10"]
    assert chart.total == 12000
    assert chart.average == 6000
    assert chart.recorded_days == 2


def test_month_has_each_day_of_the_calendar_month(rich, insured):
    _steps(insured.person, {dt.date(2024, 2, 1): 3000, dt.date(2024, 2, 29): 5000})
    chart = queries.chart(insured.person, _item(rich, "steps"), "month", dt.date(2024, 2, 10))
    assert len(chart.buckets) == 29  # a leap February
    assert chart.buckets[0].value == 3000
    assert chart.buckets[-1].value == 5000
    assert chart.total == 8000
    assert chart.average == 4000


def test_year_sums_steps_per_month_and_leaves_empty_months_empty(rich, insured):
    _steps(
        insured.person,
        {dt.date(2025, 1, 5): 1000, dt.date(2025, 1, 6): 2000, dt.date(2025, 3, 1): 500},
    )
    chart = queries.chart(insured.person, _item(rich, "steps"), "year", dt.date(2025, 7, 1))
    assert [b.value for b in chart.buckets] == [3000, None, 500] + [None] * 9
    assert [b.days for b in chart.buckets][:3] == [2, 0, 1]
    assert chart.total == 3500
    assert chart.recorded_days == 3
    assert chart.average == Decimal(3500) / 3


def test_year_averages_weight_per_month(rich, insured):
    DailyRecord.objects.bulk_create(
        DailyRecord(person=insured.person, item_key="weight", date=day, value=value)
        for day, value in {
            dt.date(2025, 4, 1): Decimal("70.0"),
            dt.date(2025, 4, 2): Decimal("71.0"),
            dt.date(2025, 6, 1): Decimal("69.0"),
        }.items()
    )
    chart = queries.chart(insured.person, _item(rich, "weight"), "year", dt.date(2025, 1, 1))
    assert chart.buckets[3].value == Decimal("70.5")
    assert chart.buckets[4].value is None
    assert chart.buckets[5].value == Decimal("69.0")
    assert chart.polyline.count(",") == 2  # only the months with values are joined


def test_a_period_without_data_has_no_chart(rich, insured):
    chart = queries.chart(insured.person, _item(rich, "steps"), "month", dt.date(2023, 5, 1))
    assert not chart.has_data
    assert all(b.value is None for b in chart.buckets)
    assert chart.total is None


def test_bmi_uses_the_latest_height_on_or_before_the_day(rich, insured):
    person = insured.person
    DailyRecord.objects.bulk_create(
        [
            DailyRecord(person=person, item_key="height", date=dt.date(2025, 1, 1), value=160),
            DailyRecord(person=person, item_key="weight", date=dt.date(2024, 12, 31), value=64),
            DailyRecord(person=person, item_key="weight", date=dt.date(2025, 1, 2), value=64),
        ]
    )
    chart = queries.chart(person, _item(rich, "bmi"), "year", dt.date(2025, 1, 1))
    assert chart.buckets[0].value == Decimal("25.0")  # 64 / 1.6²
    assert chart.recorded_days == 1  # the weight before any height has no BMI


def test_previous_and_next_periods():
    assert queries.shift("month", dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 1)
    assert queries.shift("month", dt.date(2025, 1, 31), -1) == dt.date(2024, 12, 1)
    assert queries.shift("year", dt.date(2025, 5, 5), -1) == dt.date(2024, 1, 1)


def test_detail_page_draws_an_svg_with_a_table_and_step_totals(records_client, insured, today):
    _steps(insured.person, {today: 8000})
    url = reverse("wellness:records_item", args=["steps"])
    page = records_client.get(url, {"period": "week"}).content.decode()
    assert "<svg" in page
    assert 'role="img"' in page
    assert "<rect" in page
    assert "歩数の記録" in page  # the table's caption
    assert "合計歩数" in page
    assert "平均歩数" in page
    assert "8,000" in page
    # in the table: the week's days before today 記録なし, the days after it not yet
    assert page.count("記録なし") == today.weekday()


def test_detail_page_says_when_a_month_has_no_records(records_client):
    url = reverse("wellness:records_item", args=["weight"])
    page = records_client.get(url, {"period": "month", "date": "2020-02-01"}).content.decode()
    assert "この期間の記録はありません。" in page
    assert "2020年2月" in page
    assert "<svg" not in page


def test_detail_page_for_the_year_marks_empty_months(records_client, insured):
    _steps(insured.person, {dt.date(2024, 3, 3): 7000})
    url = reverse("wellness:records_item", args=["steps"])
    page = records_client.get(url, {"period": "year", "date": "2024-08-01"}).content.decode()
    assert "2024年3月" in page
    assert "7,000" in page
    assert page.count("記録なし") == 11


def test_unknown_item_is_a_404(records_client):
    assert records_client.get("/wellness/records/items/nope/").status_code == 404
