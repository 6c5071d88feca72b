import pytest

from kosmo.models import Union


@pytest.fixture
def rich(union):
    """The test union (served on the test client's host) on the rich contract."""
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


@pytest.fixture
def person(rich, insured):
    return insured.person


import datetime as dt  # noqa: E402
import hashlib  # noqa: E402
import time  # noqa: E402

from django.core import signing  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts import flows as account_flows  # noqa: E402
from accounts.lockout import BROWSER_COOKIE, BROWSER_COOKIE_SALT  # noqa: E402
from accounts.models import KnownBrowser  # noqa: E402
from wellness.points import services  # noqa: E402
from wellness.points.models import GiftCode, Item  # noqa: E402


def make_gift(union, *, points=500, stock=5, codes=None, **extra) -> Item:
    item = Item.objects.create(
        union=union,
        kind=Item.Kind.GIFT,
        name="QUOカードPay 500円分",
        points=points,
        stock=stock,
        **extra,
    )
    for n in range(codes if codes is not None else stock):
        GiftCode.objects.create(item=item, code=f"GIFT-{item.pk}-{n:04d}")
    return item


def make_goods(union, *, points=800, stock=3, **extra) -> Item:
    return Item.objects.create(
        union=union,
        kind=Item.Kind.GOODS,
        name="タオルセット",
        points=points,
        stock=stock,
        **extra,
    )


def give(person, points: int, key: str = "seed") -> None:
    services.award(person, points=points, source="test", key=key, reason="テスト")


def reauthenticate(client) -> None:
    session = client.session
    session[account_flows.REAUTHENTICATED_AT] = time.time()
    session.save()


def trusted(user, client, *, days_ago: int = 60) -> None:
    """A member with an authenticator app, on a browser known for `days_ago` days."""
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    known_browser(user, client, days_ago=days_ago)


def known_browser(user, client, *, days_ago: int) -> None:
    key = "k" * 40
    KnownBrowser.objects.create(
        user=user,
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        first_seen_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    signer = signing.get_cookie_signer(salt=BROWSER_COOKIE + BROWSER_COOKIE_SALT)
    client.cookies[BROWSER_COOKIE] = signer.sign(key)


@pytest.fixture
def points_client(client, rich, insured):
    client.force_login(insured)
    return client
