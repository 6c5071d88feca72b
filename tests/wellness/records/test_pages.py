"""日々の記録 pages: the record modal's rules (ranges, future dates, one value per date),
「まとめて記録」, 「記録項目表示設定」, the TOP page's query count and authorization."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kosmo.models import Union
from wellness.records import queries
from wellness.records.items import SHIPPED_BY_KEY
from wellness.records.models import DailyRecord, ItemOverride, RecordChange
from wellness.records.signals import records_saved

TOP = "/wellness/records/"


def _record(client, key, day, value):
    return client.post(
        reverse("wellness:records_record", args=[key]), {"date": day.isoformat(), "value": value}
    )


def test_top_page_lists_the_items_with_the_latest_values(records_client, insured, today):
    DailyRecord.objects.create(person=insured.person, item_key="steps", date=today, value=8123)
    page = records_client.get(TOP).content.decode()
    assert "日々の記録" in page
    assert "今日の歩数" in page
    assert "8,123" in page
    for label in ("歩数", "体重", "BMI", "体脂肪率", "血圧(上)", "血圧(下)", "睡眠時間", "飲酒"):
        assert label in page
    assert "記録する" in page
    assert "記録項目表示設定" in page


def test_records_are_off_for_a_union_without_the_contract(client, union, insured):
    assert union.tier == Union.ContractTier.STANDARD
    client.force_login(insured)
    response = client.get(TOP)
    assert response.status_code == 404
    assert "この機能はご利用いただけません" in response.content.decode()


def test_the_record_modal_opens_on_today(records_client, today):
    page = records_client.get(reverse("wellness:records_record", args=["steps"])).content.decode()
    assert "歩数を記録する" in page
    assert f'value="{today:%Y-%m-%d}"' in page
    assert "保存する" in page
    assert "&lt;" in page  # 「<」; 「>」 is off on today
    assert f"?date={today + dt.timedelta(days=1):%Y-%m-%d}" not in page


def test_today_is_recorded(records_client, insured, today):
    response = _record(records_client, "steps", today, "8000")
    assert response.status_code == 302
    assert queries.steps_on(insured.person, today) == 8000


def test_tomorrow_in_tokyo_is_refused(records_client, insured, today):
    response = _record(records_client, "steps", today + dt.timedelta(days=1), "8000")
    assert response.status_code == 200
    assert "未来日付は記録できません。" in response.content.decode()
    assert not DailyRecord.objects.exists()


def test_tomorrow_in_the_modal_shows_the_refusal_and_no_save_button(records_client, today):
    url = reverse("wellness:records_record", args=["steps"])
    page = records_client.get(url, {"date": (today + dt.timedelta(days=1)).isoformat()})
    text = page.content.decode()
    assert "未来日付は記録できません。" in text
    assert "保存する" not in text


@pytest.mark.parametrize(
    ("key", "low", "high", "below", "above", "message"),
    [
        ("steps", "0", "100000", "-1", "100001", "歩数は0〜100,000歩の範囲で入力してください。"),
        (
            "weight",
            "20.0",
            "300.0",
            "19.9",
            "300.1",
            "体重は20.0〜300.0kgの範囲で入力してください。",
        ),
        (
            "body_fat",
            "1.0",
            "70.0",
            "0.9",
            "70.1",
            "体脂肪率は1.0〜70.0%の範囲で入力してください。",
        ),
        ("sbp", "50", "250", "49", "251", "血圧(上)は50〜250mmHgの範囲で入力してください。"),
        ("dbp", "30", "150", "29", "151", "血圧(下)は30〜150mmHgの範囲で入力してください。"),
        (
            "sleep",
            "0.0",
            "24.0",
            "-0.1",
            "24.1",
            "睡眠時間は0.0〜24.0時間の範囲で入力してください。",
        ),
        ("alcohol", "0.0", "10.0", "-0.1", "10.1", "飲酒は0.0〜10.0合の範囲で入力してください。"),
        ("meals", "0", "6", "-1", "7", "食事は0〜6回の範囲で入力してください。"),
    ],
)
def test_ranges_at_their_boundaries(
    records_client, insured, today, key, low, high, below, above, message
):
    for value in (below, above):
        response = _record(records_client, key, today, value)
        assert message in response.content.decode(), value
    assert not DailyRecord.objects.exists()
    for value in (low, high):
        assert _record(records_client, key, today, value).status_code == 302
        assert queries.value_on(insured.person, key, today) == Decimal(value)


def test_a_union_override_changes_the_range(records_client, rich, insured, today):
    ItemOverride.objects.create(union=rich, item_key="steps", maximum=50000)
    assert (
        "歩数は0〜50,000歩の範囲"
        in _record(records_client, "steps", today, "50001").content.decode()
    )
    assert _record(records_client, "steps", today, "50000").status_code == 302


def test_a_switched_off_item_is_gone(records_client, rich, today):
    ItemOverride.objects.create(union=rich, item_key="alcohol", enabled=False)
    assert "飲酒" not in records_client.get(TOP).content.decode()
    assert _record(records_client, "alcohol", today, "1").status_code == 404


def test_bmi_is_derived_not_recorded(records_client, insured, today):
    assert _record(records_client, "bmi", today, "22").status_code == 404
    _record(records_client, "height", today, "170.0")
    _record(records_client, "weight", today, "65.0")
    page = records_client.get(TOP).content.decode()
    assert "22.5" in page  # 65 / 1.7²


def test_one_value_per_date_an_edit_replaces_and_history_is_kept(records_client, insured, today):
    _record(records_client, "weight", today, "70.0")
    _record(records_client, "weight", today, "69.5")
    assert DailyRecord.objects.filter(item_key="weight").count() == 1
    assert queries.value_on(insured.person, "weight", today) == Decimal("69.5")
    history = list(RecordChange.objects.order_by("pk").values_list("previous", "value"))
    assert history == [(None, Decimal("70.0")), (Decimal("70.0"), Decimal("69.5"))]


def test_the_modal_shows_the_days_value_to_edit(records_client, insured, yesterday):
    DailyRecord.objects.create(person=insured.person, item_key="steps", date=yesterday, value=4321)
    url = reverse("wellness:records_record", args=["steps"])
    page = records_client.get(url, {"date": yesterday.isoformat()}).content.decode()
    assert 'value="4321"' in page
    DailyRecord.objects.create(person=insured.person, item_key="weight", date=yesterday, value=70)
    url = reverse("wellness:records_record", args=["weight"])
    page = records_client.get(url, {"date": yesterday.isoformat()}).content.decode()
    assert 'value="70.0"' in page
    assert "この日の記録を削除する" in page


def test_bulk_entry_records_several_items_at_once(records_client, insured, today):
    page = records_client.get(reverse("wellness:records_bulk")).content.decode()
    assert "まとめて記録" in page
    response = records_client.post(
        reverse("wellness:records_bulk"),
        {"date": today.isoformat(), "steps": "9000", "weight": "64.2", "sleep": "7.5"},
    )
    assert response.status_code == 302
    assert queries.values_on(insured.person, today) == {
        "steps": Decimal("9000"),
        "weight": Decimal("64.2"),
        "sleep": Decimal("7.5"),
    }


def test_bulk_entry_refuses_a_future_date_and_a_value_out_of_range(records_client, today):
    tomorrow = today + dt.timedelta(days=1)
    response = records_client.post(
        reverse("wellness:records_bulk"), {"date": tomorrow.isoformat(), "steps": "9000"}
    )
    assert "未来日付は記録できません。" in response.content.decode()
    response = records_client.post(
        reverse("wellness:records_bulk"), {"date": today.isoformat(), "steps": "100001"}
    )
    assert "歩数は0〜100,000歩の範囲で入力してください。" in response.content.decode()
    response = records_client.post(reverse("wellness:records_bulk"), {"date": today.isoformat()})
    assert "記録する項目に値を入力してください。" in response.content.decode()
    assert not DailyRecord.objects.exists()


def test_display_settings_hide_and_show_items(records_client, insured):
    url = reverse("wellness:records_settings")
    assert "記録項目表示設定" in records_client.get(url).content.decode()
    shown = [key for key in SHIPPED_BY_KEY if key not in ("alcohol", "meals")]
    assert records_client.post(url, {"shown": shown}).status_code == 302
    page = records_client.get(TOP).content.decode()
    assert "飲酒" not in page
    assert "食事" not in page
    assert "睡眠時間" in page
    records_client.post(url, {"shown": list(SHIPPED_BY_KEY)})
    assert "飲酒" in records_client.get(TOP).content.decode()


def _queries(client) -> tuple[int, int]:
    """(every query, this page's own: the union's item overrides, the display setting and
    the latest values)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(TOP).status_code == 200
    own = [q for q in captured if 'FROM "wellness_records_' in q["sql"]]
    return len(captured), len(own)


def test_top_page_queries_do_not_grow_with_history(records_client, insured, today):
    DailyRecord.objects.create(person=insured.person, item_key="steps", date=today, value=1)
    records_client.get(TOP)  # warm the per-process union cache and the session
    before = _queries(records_client)
    DailyRecord.objects.bulk_create(
        DailyRecord(
            person=insured.person, item_key=key, date=today - dt.timedelta(days=n), value=60
        )
        for n in range(1, 400)
        for key in ("steps", "weight", "height", "sbp", "dbp", "sleep")
    )
    assert _queries(records_client) == before
    assert before[1] == 3


def test_another_members_record_is_a_404(records_client, other_household_member, today):
    theirs = DailyRecord.objects.create(
        person=other_household_member.person, item_key="steps", date=today, value=5000
    )
    response = records_client.post(reverse("wellness:records_delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert DailyRecord.objects.filter(pk=theirs.pk).exists()


def test_a_member_deletes_their_own_record(records_client, insured, today):
    mine = DailyRecord.objects.create(person=insured.person, item_key="steps", date=today, value=1)
    response = records_client.post(reverse("wellness:records_delete", args=[mine.pk]))
    assert response.status_code == 302
    assert not DailyRecord.objects.filter(pk=mine.pk).exists()
    assert RecordChange.objects.get().previous == Decimal(1)


def test_another_members_values_never_show(records_client, other_household_member, today):
    DailyRecord.objects.create(
        person=other_household_member.person, item_key="steps", date=today, value=7777
    )
    assert "7,777" not in records_client.get(TOP).content.decode()


def test_signed_out_visitors_go_to_login(client, rich):
    response = client.get(TOP)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_other_union_member_sees_nothing_of_ours(client, rich, other_union_member):
    other_union_member.person.household.union.tier = Union.ContractTier.RICH
    client.force_login(other_union_member)
    assert client.get(TOP).status_code in (400, 403, 404)


def test_the_last_day_that_may_be_recorded_is_today_in_tokyo(records_client, insured, monkeypatch):
    # 15:30 UTC on 1 March is 00:30 on 2 March in Tokyo: 2 March is today, 3 March the future.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC))
    assert _record(records_client, "steps", dt.date(2026, 3, 2), "1000").status_code == 302
    refused = _record(records_client, "steps", dt.date(2026, 3, 3), "1000")
    assert "未来日付は記録できません。" in refused.content.decode()
    assert queries.steps_between(insured.person, dt.date(2026, 3, 1), dt.date(2026, 3, 3)) == {
        dt.date(2026, 3, 2): 1000
    }


def test_saving_sends_records_saved_once_committed(
    records_client, insured, today, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    records_saved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _record(records_client, "steps", today, "4000")
            _record(records_client, "steps", today, "4000")  # unchanged: no signal
    finally:
        records_saved.disconnect(receiver)
    assert [(r["person"], r["item_key"], r["dates"], r["source"]) for r in received] == [
        (insured.person, "steps", [today], "manual")
    ]


def test_the_portal_top_shows_todays_steps(records_client, insured, today):
    DailyRecord.objects.create(person=insured.person, item_key="steps", date=today, value=8002)
    page = records_client.get("/").content.decode()
    assert "今日の歩数: <strong>8,002</strong> 歩" in page
    assert "日々の記録を見る" in page


def test_the_portal_top_has_no_records_block_without_the_contract(member_client, union):
    assert "今日の歩数" not in member_client.get("/").content.decode()
