"""Read side of MYポイント: the member's history, catalogue and orders, always scoped to them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kosmo.models import Person
from wellness.points.models import Item, Order, PointEntry

HISTORY_LENGTH = 50


def history(person: Person) -> QuerySet[PointEntry]:
    """The person's latest ledger lines, newest first."""
    return PointEntry.objects.filter(person=person).order_by("-created_at", "-pk")[:HISTORY_LENGTH]


def catalogue(person: Person, kind: str, now: dt.datetime | None = None) -> QuerySet[Item]:
    """The items of the person's union of one kind that are open for exchange now."""
    now = now or timezone.now()
    return Item.objects.filter(
        Q(available_until__isnull=True) | Q(available_until__gt=now),
        union_id=person.household.union_id,
        kind=kind,
        published=True,
        available_from__lte=now,
    )


def get_item_for_member(person: Person, pk: int) -> Item:
    """A published item of the member's union, or 404."""
    item = Item.objects.filter(pk=pk, union_id=person.household.union_id, published=True).first()
    if item is None:
        raise Http404("no such item")
    return item


def orders(person: Person) -> QuerySet[Order]:
    """The person's exchange history, newest first."""
    return Order.objects.filter(person=person).select_related("item")


def get_order_for_member(person: Person, pk: int) -> Order:
    """One of the person's own orders, or 404 (another member's id is a 404)."""
    order = orders(person).select_related("gift_code").filter(pk=pk).first()
    if order is None:
        raise Http404("no such order")
    return order
