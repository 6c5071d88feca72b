import datetime as dt

import pytest
from django.utils import timezone

from kosmo.models import Union
from tests.wellness.challenges.factories import PresetChallengeFactory, StageFactory


@pytest.fixture
def rich(union):
    """The test union (the test client's host) on the rich contract: チャレンジ is on."""
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def walking(rich):
    """ステージ1's preset 「1日8,000歩歩く」 of the test union."""
    stage = StageFactory(union=rich, name="ステージ1 まずはここから")
    PresetChallengeFactory(stage=stage, title="毎朝体重を測る", order=1)
    return PresetChallengeFactory(
        stage=stage,
        title="1日8,000歩歩く",
        description="通勤や買い物で、いつもより少し多く歩きましょう。",
        order=0,
    )


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
