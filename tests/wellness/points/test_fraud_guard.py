"""Points are money to a fraudster: a big exchange by an e-mail-only member or from a new browser
waits for the union's hours, and the member can stop it from the mail or the MY mail."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notices.models import Message
from tests.wellness.points.conftest import give, known_browser, make_gift, reauthenticate, trusted
from wellness.points import services, tasks
from wellness.points.models import Order, PointPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(rich):
    return PointPolicy.objects.create(union=rich, hold_threshold=1000, hold_hours=48)


def exchange(client, item, token="t"):
    reauthenticate(client)
    return client.post(reverse("wellness:points_confirm", args=[item.pk]), {"token": token})


def cancel_link(person) -> str:
    body = Message.objects.filter(recipient=person).latest("pk").body
    return re.search(r"https?://\S+", body).group(0)


def test_email_only_member_above_the_amount_is_held_with_mail_and_my_mail(
    points_client, insured, person, rich, policy, django_capture_on_commit_callbacks
):
    known_browser(insured, points_client, days_ago=60)  # an old browser, but e-mail codes only
    give(person, 3000)
    item = make_gift(rich, points=1001)
    with django_capture_on_commit_callbacks(execute=True):
        exchange(points_client, item)
    order = Order.objects.get(person=person)
    assert order.status == Order.Status.HELD
    assert order.hold_reason == "メール認証のみの会員の交換"
    assert order.held_until == order.ordered_at + dt.timedelta(hours=48)
    assert services.balance(person) == 1999
    message = Message.objects.get(recipient=person)
    assert "保留" in message.subject and order.gift_code.code not in message.body
    held_mails = [m for m in mail.outbox if "ポイント交換を保留しています" in m.subject]
    assert len(held_mails) == 1 and held_mails[0].to == [insured.email]
    assert cancel_link(person) in held_mails[0].body
    page = points_client.get(reverse("wellness:points_orders")).content.decode()
    assert "保留中" in page


def test_new_browser_above_the_amount_is_held(points_client, insured, person, rich, policy):
    trusted(insured, points_client, days_ago=13)  # an app, but the browser is 13 days old
    give(person, 3000)
    exchange(points_client, make_gift(rich, points=1001))
    order = Order.objects.get(person=person)
    assert order.status == Order.Status.HELD and order.new_browser
    assert order.hold_reason == "新しいブラウザからの交換"
    page = points_client.get(reverse("wellness:points_orders")).content.decode()
    assert "新しいブラウザ" in page


def test_the_amount_itself_and_below_is_not_held(points_client, insured, person, rich, policy):
    give(person, 3000)
    exchange(points_client, make_gift(rich, points=1000))
    assert Order.objects.get(person=person).status == Order.Status.ORDERED


def test_known_browser_with_an_app_is_not_held(points_client, insured, person, rich, policy):
    trusted(insured, points_client, days_ago=15)
    give(person, 3000)
    exchange(points_client, make_gift(rich, points=2000))
    order = Order.objects.get(person=person)
    assert order.status == Order.Status.ORDERED and not order.new_browser
    assert order.gift_code.code in Message.objects.get(recipient=person).body


def test_held_exchange_is_cancelled_from_the_mail_link_without_signing_in(
    client, points_client, insured, person, rich, policy
):
    give(person, 3000)
    item = make_gift(rich, points=1500)
    exchange(points_client, item)
    link = cancel_link(person)
    points_client.logout()
    page = client.get(link).content.decode()
    assert "保留中の交換をキャンセルする" in page
    assert "申込キャンセル完了" in client.post(link).content.decode()
    order = Order.objects.get(person=person)
    assert order.status == Order.Status.CANCELLED and order.gift_code is None
    assert services.balance(person) == 3000
    assert tasks.release_held_exchanges() == 0  # a cancelled order is never released


def test_mail_link_stops_working_when_the_hold_is_over(
    client, points_client, person, rich, policy, monkeypatch
):
    give(person, 3000)
    exchange(points_client, make_gift(rich, points=1500))
    link = cancel_link(person)
    points_client.logout()
    order = Order.objects.get(person=person)
    monkeypatch.setattr(timezone, "now", lambda: order.held_until - dt.timedelta(seconds=1))
    assert client.get(link).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: order.held_until)
    response = client.get(link)
    assert response.status_code == 404
    assert "このリンクは無効か、保留期間が終了しています。" in response.content.decode()
    assert client.get(link.replace("/hold/", "/hold/x")).status_code == 404


def test_held_exchange_is_released_after_the_hold(points_client, person, rich, policy):
    give(person, 3000)
    exchange(points_client, make_gift(rich, points=1500))
    order = Order.objects.get(person=person)
    assert services.release_held(order.held_until - dt.timedelta(seconds=1)) == 0
    assert services.release_held(order.held_until) == 1
    assert services.release_held(order.held_until) == 0  # safe to re-run
    order.refresh_from_db()
    assert order.status == Order.Status.ORDERED and order.released_at == order.held_until
    latest = Message.objects.filter(recipient=person).latest("pk")
    assert order.gift_code.code in latest.body
    assert services.balance(person) == 1500


def test_held_exchange_can_be_cancelled_by_the_member_in_the_history(
    points_client, person, rich, policy
):
    give(person, 3000)
    exchange(points_client, make_gift(rich, points=1500))
    order = Order.objects.get(person=person)
    page = points_client.get(reverse("wellness:points_order", args=[order.pk])).content.decode()
    assert "申込をキャンセルする" in page and "保留しています" in page
    points_client.post(reverse("wellness:points_cancel", args=[order.pk]))
    assert services.balance(person) == 3000
    assert timezone.now() >= Order.objects.get(pk=order.pk).cancelled_at
