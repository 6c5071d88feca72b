"""Demo MYポイント for `manage.py seed_demo`: on a union whose contract has points (the rich demo
union kosmo), a catalogue of digital gifts and goods, half a year of earned points for each
member with an account, and one past exchange (a gift, its code in MY mail); nothing on a union
without it (sakura, standard). Re-running replaces this module's rows only (the missions demo
awards its own)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kosmo.models import Person, Union
from notices.models import Message
from wellness.points import services
from wellness.points.models import GiftCode, Item, Order, PointEntry, PointPolicy

FEATURE = "points"
DEMO_SOURCE = "demo"
DAYS = 180
# (kind, name, points, stock, description)
CATALOGUE = [
    (
        Item.Kind.GIFT,
        "QUOカードPay 500円分",
        500,
        50,
        "コンビニなどで使えます。",
    ),
    (Item.Kind.GIFT, "カフェ eGift 300円分", 300, 30, "全国のカフェで使えます。"),
    (
        Item.Kind.GIFT,
        "図書カードNEXT 1,000円分",
        1000,
        10,
        "全国の書店で使えます。",
    ),
    (Item.Kind.GOODS, "今治タオル フェイスタオル2枚組", 800, 20, "やわらかな今治産のタオルです。"),
    (Item.Kind.GOODS, "歩数計（クリップ式）", 1200, 5, "ウォーキングのお供に。"),
]


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    now = timezone.now()
    lines = []
    for union in unions.values():
        persons = list(
            Person.objects.filter(household__union=union, account__isnull=False)
            .select_related("household")
            .order_by("household_id", "branch")
        )
        _clear(union, persons)
        if not union.has_feature(FEATURE):
            continue
        PointPolicy.objects.get_or_create(union=union)
        items = _catalogue(union, now)
        for person in persons:
            _history(person, now)
        if persons:
            _past_exchange(persons[0], items[0], now)
        lines.append(
            f"  MYポイント: {union.name} 商品{len(items)}点、{len(persons)}人分のポイント履歴"
        )
    return lines


def _clear(union: Union, persons: list[Person]) -> None:
    orders = Order.objects.filter(union=union)
    Message.objects.filter(
        recipient__in=persons, sender_label="MYポイント", subject__startswith="【MYポイント】"
    ).delete()
    PointEntry.objects.filter(
        person__in=persons,
        source__in=[DEMO_SOURCE, services.EXCHANGE_SOURCE, services.REFUND_SOURCE],
    ).delete()
    orders.delete()
    Item.objects.filter(union=union).delete()


def _catalogue(union: Union, now: dt.datetime) -> list[Item]:
    items = []
    for order, (kind, name, points, stock, description) in enumerate(CATALOGUE):
        item = Item.objects.create(
            union=union,
            kind=kind,
            name=name,
            points=points,
            stock=stock,
            description=description,
            available_from=now - dt.timedelta(days=DAYS + 30),
            display_order=order,
            cancel_days=7 if kind == Item.Kind.GOODS else 0,
        )
        if kind == Item.Kind.GIFT:
            GiftCode.objects.bulk_create(
                GiftCode(item=item, code=f"DEMO-{item.pk:03d}-{n:04d}") for n in range(stock)
            )
        items.append(item)
    return items


def _history(person: Person, now: dt.datetime) -> None:
    """A login point most days and a weekly record bonus over half a year."""
    entries = []
    for index in range(DAYS):
        at = now - dt.timedelta(days=DAYS - index)
        day = timezone.localdate(at)
        valid_until = services.valid_until_for(person.household.union_id, day)
        if index % 7 != 3:
            entries.append(
                PointEntry(
                    person=person,
                    kind=PointEntry.Kind.EARN,
                    points=5,
                    source=DEMO_SOURCE,
                    key=f"login:{day}",
                    reason="ログイン",
                    created_at=at,
                    valid_until=valid_until,
                )
            )
        if index % 7 == 6:
            entries.append(
                PointEntry(
                    person=person,
                    kind=PointEntry.Kind.EARN,
                    points=30,
                    source=DEMO_SOURCE,
                    key=f"week:{day}",
                    reason="1週間の歩数記録",
                    created_at=at,
                    valid_until=valid_until,
                )
            )
    PointEntry.objects.bulk_create(entries)


def _past_exchange(person: Person, item: Item, now: dt.datetime) -> None:
    """The first member exchanged a gift three weeks ago, from their usual browser."""
    services.place_order(
        person=person,
        item=item,
        token="demo-past-exchange",
        origin=services.Origin(browser="Chrome / Windows", ip_address="192.0.2.10"),
        now=now - dt.timedelta(days=21),
    )
