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
