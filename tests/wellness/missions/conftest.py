import pytest
from django.utils import timezone

from kosmo.models import Union
from wellness.missions.models import Action, DailyMission


@pytest.fixture
def rich(union):
    """The test union (the test client's host) on the rich contract: ミッション, MYポイント."""
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def person(insured):
    return insured.person


@pytest.fixture
def daily(rich):
    """The union's four daily missions (1 pt each)."""
    return {
        action: DailyMission.objects.create(union=rich, title=title, action=action, order=order)
        for order, (title, action) in enumerate(
            [
                ("ログインする", Action.LOGIN),
                ("歩数を記録する", Action.STEPS),
                ("体重を記録する", Action.WEIGHT),
                ("健康記事を読む", Action.ARTICLE),
            ]
        )
    }
