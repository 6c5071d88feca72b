import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import Message
from tests.wellness.points.conftest import (
    give,
    make_gift,
    make_goods,
    reauthenticate,
    trusted,
)
from wellness.points import services
from wellness.points.models import Item, Order, PointEntry

pytestmark = pytest.mark.django_db


def confirm_url(item):
    return reverse("wellness:points_confirm", args=[item.pk])


def test_top_shows_balance_history_and_the_manuals_buttons(points_client, person):
    give(person, 120)
    page = points_client.get(reverse("wellness:points")).content.decode()
    assert "MYポイント" in page
    assert "<strong>120</strong>" in page
    assert "テスト" in page
    for label in ("デジタルギフトと交換する", "商品と交換する", "交換履歴を見る"):
        assert label in page


def test_gift_exchange_delivers_the_code_to_my_mail(points_client, insured, person, rich):
    trusted(insured, points_client)
    give(person, 1000)
    item = make_gift(rich, points=500)
    reauthenticate(points_client)
    page = points_client.get(reverse("wellness:points_item", args=[item.pk])).content.decode()
    assert "この商品と交換する" in page
    page = points_client.get(confirm_url(item)).content.decode()
    assert "この内容で申し込む" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    response = points_client.post(confirm_url(item), {"token": token})
    order = Order.objects.get(person=person)
    assert response.status_code == 302
    assert response.url == reverse("wellness:points_order", args=[order.pk])
    assert order.status == Order.Status.ORDERED
    assert services.balance(person) == 500
    message = Message.objects.get(recipient=person)
    assert order.gift_code.code in message.body
    assert "デジタルギフト" in message.subject
    assert Item.objects.get(pk=item.pk).stock == 4


def test_double_submit_of_the_same_confirmation_orders_once(points_client, insured, person, rich):
    trusted(insured, points_client)
    give(person, 2000)
    item = make_gift(rich, points=500)
    reauthenticate(points_client)
    points_client.post(confirm_url(item), {"token": "same-token"})
    points_client.post(confirm_url(item), {"token": "same-token"})
    assert Order.objects.filter(person=person).count() == 1
    assert services.balance(person) == 1500
    assert Message.objects.filter(recipient=person).count() == 1


def test_exchange_without_fresh_reauthentication_is_refused(points_client, person, rich):
    give(person, 1000)
    item = make_gift(rich, points=500)
    response = points_client.post(confirm_url(item), {"token": "t"})
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url or "reauth" in response.url
    assert not Order.objects.exists()
    assert services.balance(person) == 1000


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("short", "ポイントが不足しています。"),
        ("no_stock", "この商品は在庫切れです。"),
        ("no_codes", "この商品は在庫切れです。"),
        ("not_yet", "この商品は交換受付期間外です。"),
        ("ended", "この商品は交換受付期間外です。"),
    ],
)
def test_every_refusal_is_in_japanese(points_client, insured, person, rich, setup, message):
    trusted(insured, points_client)
    give(person, 499 if setup == "short" else 1000)
    now = timezone.now()
    extra = {
        "no_stock": {"stock": 0, "codes": 3},
        "no_codes": {"codes": 0},
        "not_yet": {"available_from": now + dt.timedelta(hours=1)},
        "ended": {"available_until": now},
    }.get(setup, {})
    item = make_gift(rich, points=500, **extra)
    reauthenticate(points_client)
    response = points_client.post(confirm_url(item), {"token": "t"})
    assert response.status_code == 409
    assert message in response.content.decode()
    assert not Order.objects.exists()
    assert services.balance(person) == (499 if setup == "short" else 1000)
    assert Item.objects.get(pk=item.pk).stock == item.stock


def test_goods_take_a_shipping_address_then_confirm(points_client, insured, person, rich):
    trusted(insured, points_client)
    give(person, 1000)
    item = make_goods(rich, points=800)
    reauthenticate(points_client)
    url = reverse("wellness:points_shipping", args=[item.pk])
    page = points_client.post(url, {"postal_code": "12", "phone": "x"}).content.decode()
    assert "お名前を入力してください。" in page
    assert "郵便番号は7桁の数字で入力してください。" in page
    response = points_client.post(
        url,
        {
            "recipient_name": "山田 太郎",
            "postal_code": "100-0001",
            "address": "東京都千代田区千代田1-1",
            "phone": "03-1234-5678",
        },
    )
    assert response.url == confirm_url(item)
    page = points_client.get(confirm_url(item)).content.decode()
    assert "東京都千代田区千代田1-1" in page and "1000001" in page
    points_client.post(confirm_url(item), {"token": "goods"})
    order = Order.objects.get(person=person)
    assert order.address == "東京都千代田区千代田1-1" and order.status == Order.Status.ORDERED
    assert services.balance(person) == 200


def place(person, item, token="t", now=None, **origin):
    return services.place_order(
        person=person,
        item=item,
        token=token,
        origin=services.Origin(**origin),
        now=now,
        shipping={
            "recipient_name": "山田",
            "postal_code": "1000001",
            "address": "東京",
            "phone": "0312345678",
        },
    )


def test_goods_can_be_cancelled_to_the_last_moment_of_the_window(person, rich):
    give(person, 2000)
    item = make_goods(rich, points=800, cancel_days=7)
    ordered_at = timezone.now()
    order = place(person, item, now=ordered_at)
    assert order.cancel_until == ordered_at + dt.timedelta(days=7)
    late = ordered_at + dt.timedelta(days=7, microseconds=1)
    assert services.cancel_refusal(order, late) == (
        "キャンセル可能期間を過ぎているため、キャンセルできません。"
    )
    with pytest.raises(services.ExchangeRefused):
        services.cancel_order(order=order, now=late)
    services.cancel_order(order=order, now=ordered_at + dt.timedelta(days=7))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert services.balance(person) == 2000
    assert Item.objects.get(pk=item.pk).stock == 3
    assert PointEntry.objects.filter(person=person, kind=PointEntry.Kind.REFUND).count() == 1


def test_cancel_pages_refund_once_and_refuse_outside_the_window(points_client, person, rich):
    give(person, 2000)
    item = make_goods(
        rich, points=800, cancel_days=7, available_from=timezone.now() - dt.timedelta(days=30)
    )
    order = place(person, item)
    page = points_client.get(reverse("wellness:points_order", args=[order.pk])).content.decode()
    assert "申込をキャンセルする" in page
    url = reverse("wellness:points_cancel", args=[order.pk])
    assert "キャンセルする" in points_client.get(url).content.decode()
    assert "申込キャンセル完了" in points_client.post(url).content.decode()
    assert "申込キャンセル完了" in points_client.post(url).content.decode()
    assert services.balance(person) == 2000
    old = place(person, item, token="old", now=timezone.now() - dt.timedelta(days=8))
    response = points_client.post(reverse("wellness:points_cancel", args=[old.pk]))
    assert response.status_code == 409
    assert "キャンセル可能期間を過ぎているため、キャンセルできません。" in response.content.decode()


def test_delivered_gift_cannot_be_cancelled(person, rich):
    give(person, 1000)
    order = place(person, make_gift(rich, points=500))
    assert services.cancel_refusal(order) == "デジタルギフトはお届け後にキャンセルできません。"


def test_another_members_order_and_another_unions_item_are_404(
    points_client, rich, person, other_household_member, other_union_member
):
    other = other_household_member.person
    give(other, 1000)
    order = place(other, make_goods(rich))
    for name in ("wellness:points_order", "wellness:points_cancel"):
        assert points_client.get(reverse(name, args=[order.pk])).status_code == 404
    foreign = make_gift(other_union_member.person.household.union)
    reauthenticate(points_client)
    assert points_client.get(reverse("wellness:points_item", args=[foreign.pk])).status_code == 404
    assert points_client.post(confirm_url(foreign), {"token": "x"}).status_code == 404


def test_points_pages_are_unavailable_on_the_standard_contract(client, union, insured):
    client.force_login(insured)
    response = client.get(reverse("wellness:points"))
    assert response.status_code == 404
    assert "この機能はご利用いただけません" in response.content.decode()


def test_frozen_member_cannot_exchange(person, rich, staff):
    give(person, 1000)
    services.set_frozen(person=person, frozen=True, reason="調査中", staff=staff)
    with pytest.raises(services.ExchangeRefused) as refused:
        place(person, make_gift(rich))
    assert refused.value.message == (
        "ポイントが凍結されているため、交換できません。組合にお問い合わせください。"
    )


def test_former_member_sees_why_they_cannot_exchange(points_client, person, rich):
    give(person, 1000)
    item = make_gift(rich, points=500)
    person.disqualified_on = timezone.localdate() - dt.timedelta(days=1)
    person.save()
    reauthenticate(points_client)
    response = points_client.post(confirm_url(item), {"token": "t"})
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_beat_runs_expiry_and_release(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "wellness.points.tasks.expire_points" in schedule
    assert "wellness.points.tasks.release_held_exchanges" in schedule
