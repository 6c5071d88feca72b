import datetime as dt

import pytest
from django.utils import timezone

from kosmo.models import Union


@pytest.fixture
def rich(union):
    """The test union (served on the test client's host) on the rich contract."""
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


@pytest.fixture
def records_client(client, rich, insured):
    client.force_login(insured)
    return client


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - dt.timedelta(days=1)
