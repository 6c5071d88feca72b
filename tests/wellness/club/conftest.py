import pytest

from kosmo.models import Union


@pytest.fixture
def rich(union):
    """The test union on the rich contract (MY HEALTH CLUB is one of its services)."""
    union.tier = Union.ContractTier.RICH
    union.save()
    return union
