"""歩いてスクラッチ (manual §4-14): coins from today's steps, one cell a coin, ヘロン君 = 1 pt, a
line of three = bingo → roulette, the layout hidden until scratched, the day ending at midnight
in Tokyo."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from wellness.missions import rules, services, tasks
from wellness.missions.models import Game, Prize, ScratchCard
from wellness.points.models import PointEntry
from wellness.records import services as record_services
from wellness.records.items import SHIPPED_BY_KEY

TOKYO = ZoneInfo("Asia/Tokyo")
SCRATCH = "/wellness/missions/scratch/"


def walk(person, day, steps):
    record_services.record_value(
        person=person, item=SHIPPED_BY_KEY["steps"], day=day, value=Decimal(steps)
    )


def page(response) -> str:
    return response.content.decode()


def card_with(person, day, hits):
    return ScratchCard.objects.create(person=person, date=day, hits=sorted(hits))


def test_the_page_shows_steps_coins_and_nine_closed_cells(member_client, rich, person, today):
    walk(person, today, 6000)

    html = page(member_client.get(SCRATCH))

    assert "<strong>6,000</strong> 歩" in html
    assert "獲得したコイン: 2枚(残り 2枚)" in html
    assert html.count(">スクラッチに挑戦</button>") == 9


def test_the_layout_is_not_in_the_page_before_scratching(member_client, rich, person, today):
    walk(person, today, 8000)
    html = page(member_client.get(SCRATCH))
    # Until the first coin is used there is no layout at all.
    assert not ScratchCard.objects.exists()
    assert "scratch-cell--hit" not in html

    member_client.post(f"{SCRATCH}cell/", {"cell": "0"})
    card = ScratchCard.objects.get(person=person, date=today)
    html = page(member_client.get(SCRATCH))
    buttons = re.findall(r"<button class=\"scratch-cell\"[^>]*>[^<]*</button>", html)

    assert len(buttons) == 8
    # The eight buttons left differ only in their cell number: nothing tells a hit from a miss.
    assert {re.sub(r'value="\d"', "", button) for button in buttons} == {
        '<button class="scratch-cell" type="submit" name="cell" >スクラッチに挑戦</button>'
    }
    assert html.count("scratch-cell--hit") + html.count("scratch-cell--miss") == 1
    assert str(card.hits) not in html


def test_a_hit_shows_heron_and_earns_one_point_a_miss_earns_nothing(
    member_client, rich, person, today
):
    walk(person, today, 6000)
    card = card_with(person, today, [0, 1, 2, 4])

    hit = page(member_client.post(f"{SCRATCH}cell/", {"cell": "4"}, follow=True))
    miss = page(member_client.post(f"{SCRATCH}cell/", {"cell": "8"}, follow=True))

    assert "ヘロン君が出ました！1pt獲得しました。" in hit
    assert "はずれです。" in miss
    assert 'scratch-cell--hit" role="img" aria-label="ヘロン君">ヘロン君</span>' in miss
    assert 'scratch-cell--miss" role="img" aria-label="はずれ">×</span>' in miss
    # Cells not scratched still say nothing.
    assert miss.count("scratch-cell--hit") == 1
    assert list(
        PointEntry.objects.filter(source="missions.scratch").values_list("key", "points")
    ) == [(f"{card.pk}:4", 1)]


def test_coins_run_out(member_client, rich, person, today):
    walk(person, today, 3000)
    card_with(person, today, [0, 1, 2, 4])

    member_client.post(f"{SCRATCH}cell/", {"cell": "8"})
    html = page(member_client.post(f"{SCRATCH}cell/", {"cell": "7"}, follow=True))

    assert "コインがありません。歩数を記録するとコインを獲得できます。" in html
    assert ScratchCard.objects.get().scratched == [8]
    assert ">スクラッチに挑戦</button>" not in html


def test_no_steps_no_coins(member_client, rich, person, today):
    walk(person, today, 2999)
    html = page(member_client.post(f"{SCRATCH}cell/", {"cell": "0"}, follow=True))
    assert "コインがありません。歩数を記録するとコインを獲得できます。" in html
    assert ScratchCard.objects.get().scratched == []


def test_a_cell_is_scratched_once_and_bad_cells_are_refused(member_client, rich, person, today):
    walk(person, today, 8000)
    card_with(person, today, [0, 1, 2, 4])

    member_client.post(f"{SCRATCH}cell/", {"cell": "0"})
    again = page(member_client.post(f"{SCRATCH}cell/", {"cell": "0"}, follow=True))
    bad = page(member_client.post(f"{SCRATCH}cell/", {"cell": "9"}, follow=True))
    text = page(member_client.post(f"{SCRATCH}cell/", {"cell": "x"}, follow=True))

    assert "この場所はすでに削りました。" in again
    assert "削る場所を選んでください。" in bad
    assert "削る場所を選んでください。" in text
    assert ScratchCard.objects.get().scratched == [0]
    assert PointEntry.objects.filter(source="missions.scratch").count() == 1


def test_a_bingo_opens_the_roulette_once(member_client, rich, person, today):
    walk(person, today, 8000)
    card_with(person, today, [2, 4, 6, 0])  # the diagonal 2-4-6
    Prize.objects.create(union=rich, game=Game.ROULETTE, name="5ポイント", points=5, weight=1)

    for cell in (2, 4):
        member_client.post(f"{SCRATCH}cell/", {"cell": str(cell)})
    assert "ルーレットを回す" not in page(member_client.get(SCRATCH))
    refused = page(member_client.post(f"{SCRATCH}roulette/", follow=True))
    assert "ビンゴを達成するとルーレットを回すことができます。" in refused

    html = page(member_client.post(f"{SCRATCH}cell/", {"cell": "6"}, follow=True))
    assert "ビンゴ達成！" in html
    assert "ルーレットを回す</button>" in html

    result = page(member_client.post(f"{SCRATCH}roulette/", follow=True))
    member_client.post(f"{SCRATCH}roulette/")
    assert "ルーレットの結果: 5ポイント" in result
    assert list(
        PointEntry.objects.filter(source="missions.roulette").values_list("points", flat=True)
    ) == [5]
    assert PointEntry.objects.filter(source="missions.scratch").count() == 3


def test_the_card_ends_at_midnight_in_tokyo(rich, person):
    day = dt.date(2026, 12, 5)
    last_second = dt.datetime(2026, 12, 5, 23, 59, 59, tzinfo=TOKYO)
    midnight = dt.datetime(2026, 12, 6, 0, 0, 0, tzinfo=TOKYO)
    walk(person, day, 8000)
    card = services.card_for(person, services.today(last_second))

    assert services.today(last_second) == day
    assert card.valid_on(services.today(last_second))
    services.scratch(person=person, cell=0, day=services.today(last_second))

    assert services.today(midnight) == day + dt.timedelta(days=1)
    assert not card.valid_on(services.today(midnight))
    # The new day: yesterday's coins are gone (no steps yet today) and a fresh card.
    with pytest.raises(services.MissionRefused) as refusal:
        services.scratch(person=person, cell=1, day=services.today(midnight))
    assert refusal.value.message == "コインがありません。歩数を記録するとコインを獲得できます。"
    assert ScratchCard.objects.get(date=day).scratched == [0]
    assert ScratchCard.objects.get(date=day + dt.timedelta(days=1)).scratched == []


def test_an_expired_card_cannot_be_scratched_even_on_its_date(rich, person, today):
    walk(person, today, 8000)
    card = services.card_for(person, today)
    card.expired = True
    card.save()
    with pytest.raises(services.MissionRefused) as refusal:
        services.scratch(person=person, cell=0, day=today)
    assert refusal.value.message == "このスクラッチカードは有効期限が切れました。"


def test_the_midnight_task_expires_older_cards_only_and_is_idempotent(rich, person, today):
    yesterday = today - dt.timedelta(days=1)
    old = card_with(person, yesterday, [0, 1, 2, 3])
    current = card_with(person, today, [0, 1, 2, 3])

    assert tasks.expire_scratch_cards.delay().get() == 1
    assert tasks.expire_scratch_cards.delay().get() == 0

    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.expired, current.expired) == (True, False)


def test_another_members_card_is_not_theirs(client, rich, person, other_household_member, today):
    walk(person, today, 8000)
    mine = card_with(person, today, [0, 1, 2, 3])
    client.force_login(other_household_member)

    html = page(client.post(f"{SCRATCH}cell/", {"cell": "0"}, follow=True))

    assert "コインがありません。" in html  # their own (empty) day, not this card
    mine.refresh_from_db()
    assert mine.scratched == []


def test_coins_count_with_the_rules(rich, person, today):
    walk(person, today, 7999)
    assert rules.coins_for(7999) == 2
    card_with(person, today, [0, 1, 2, 3])
    services.scratch(person=person, cell=5, day=today)
    services.scratch(person=person, cell=6, day=today)
    with pytest.raises(services.MissionRefused):
        services.scratch(person=person, cell=7, day=today)
