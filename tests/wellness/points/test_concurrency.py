"""Stock and points under concurrent orders (PostgreSQL, real threads and connections)."""

import pytest
from django.db import connection

from tests import factories
from tests.concurrency import THREADS, run_together
from tests.conftest import require
from tests.wellness.points.conftest import give, make_gift
from wellness.points import services
from wellness.points.models import GiftCode, Item, Order


def attempt(person, item, token):
    try:
        return services.place_order(person=person, item=item, token=token, origin=services.Origin())
    except services.ExchangeRefused as refused:
        return refused.message


@pytest.mark.django_db(transaction=True)
def test_stock_is_never_oversold_by_concurrent_members():
    require(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    union = factories.UnionFactory(name="リッチ健康保険組合")
    item = make_gift(union, points=100, stock=3)
    persons = [factories.PersonFactory(household__union=union) for _ in range(THREADS)]
    for person in persons:
        give(person, 500)
    results = run_together(lambda n: attempt(persons[n], item, f"t{n}"))
    orders = [r for r in results if isinstance(r, Order)]
    assert len(orders) == 3
    assert results.count("この商品は在庫切れです。") == THREADS - 3
    assert Item.objects.get(pk=item.pk).stock == 0
    assert len({order.gift_code_id for order in orders}) == 3
    assert GiftCode.objects.filter(order__isnull=True).count() == 0
    assert sum(services.balance(p) for p in persons) == THREADS * 500 - 3 * 100


@pytest.mark.django_db(transaction=True)
def test_one_members_concurrent_orders_never_overspend_and_a_double_submit_orders_once():
    require(connection.vendor == "postgresql", "concurrency needs PostgreSQL (DATABASE_URL)")
    union = factories.UnionFactory(name="リッチ健康保険組合")
    item = make_gift(union, points=100, stock=20)
    person = factories.PersonFactory(household__union=union)
    give(person, 250)
    # Half the threads submit the same confirmation twice over; the rest are new orders.
    results = run_together(lambda n: attempt(person, item, f"t{n % 4}"))
    assert Order.objects.filter(person=person).count() == 2
    assert services.balance(person) == 50
    assert "ポイントが不足しています。" in results
    assert Item.objects.get(pk=item.pk).stock == 18
