"""`seed_demo`'s MYポイント: a balance with history, a catalogue and a past exchange on kosmo,
nothing on sakura."""

from accounts import demo as accounts_demo
from kosmo import demo as kosmo_demo
from kosmo.models import Person
from notices.models import Message
from wellness.points import demo, services
from wellness.points.models import Item, Order, PointEntry


def test_demo_gives_points_and_a_catalogue_on_kosmo_and_nothing_on_sakura(db):
    unions = kosmo_demo.seed()
    accounts_demo.seed(unions)
    demo.seed(unions)
    demo.seed(unions)  # again: replaced, not duplicated

    taro = Person.objects.get(household__union=unions["kosmo"], given_name="太郎")
    entries = PointEntry.objects.filter(person=taro)
    assert services.balance(taro) == sum(entries.values_list("points", flat=True)) > 1000
    order = Order.objects.get(person=taro)
    assert order.status == Order.Status.ORDERED and order.points == 500
    assert order.gift_code.code in Message.objects.get(recipient=taro).body
    assert Item.objects.filter(union=unions["kosmo"], kind=Item.Kind.GIFT).count() == 3
    assert Item.objects.filter(union=unions["kosmo"], kind=Item.Kind.GOODS).count() == 2
    assert not Item.objects.filter(union=unions["sakura"]).exists()
    assert not PointEntry.objects.filter(person__household__union=unions["sakura"]).exists()
    assert not unions["sakura"].has_feature("points")
