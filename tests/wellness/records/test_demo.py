"""`seed_demo`'s 日々の記録: a year for the rich union's members, nothing on sakura."""

import datetime as dt

from django.utils import timezone

from accounts import demo as accounts_demo
from kosmo import demo as kosmo_demo
from kosmo.models import Person
from wellness.records import demo, queries
from wellness.records.items import Items
from wellness.records.models import DailyRecord


def test_demo_gives_a_year_of_records_on_kosmo_and_none_on_sakura(db):
    unions = kosmo_demo.seed()
    accounts_demo.seed(unions)
    demo.seed(unions)
    demo.seed(unions)  # again: replaced, not duplicated

    today = timezone.localdate()
    taro = Person.objects.get(household__union=unions["kosmo"], given_name="太郎")
    steps = queries.steps_between(taro, today - dt.timedelta(days=364), today)
    assert len(steps) == 365
    assert queries.steps_on(taro, today) == steps[today]
    assert DailyRecord.objects.filter(person=taro, item_key="steps").count() == 365
    year = queries.chart(taro, Items.for_union(unions["kosmo"]).get("steps"), "year", today)
    assert year.total == sum(v for d, v in steps.items() if d.year == today.year)
    weight = queries.chart(taro, Items.for_union(unions["kosmo"]).get("bmi"), "month", today)
    assert weight.has_data
    assert not DailyRecord.objects.filter(person__household__union=unions["sakura"]).exists()
    assert not unions["sakura"].has_feature("daily_records")
