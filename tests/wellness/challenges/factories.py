import datetime as dt
import uuid

import factory
from django.utils import timezone

from tests.factories import PersonFactory, UnionFactory
from wellness.challenges.models import Challenge, ChallengeDay, PresetChallenge, Stage


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    union = factory.SubFactory(UnionFactory)
    name = factory.Sequence(lambda n: f"ステージ{n + 1}")


class PresetChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresetChallenge

    stage = factory.SubFactory(StageFactory)
    title = factory.Sequence(lambda n: f"チャレンジ{n + 1}")


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A member's challenge that started ten days ago and runs twenty days more."""

    class Meta:
        model = Challenge

    person = factory.SubFactory(PersonFactory)
    title = "1日8,000歩歩く"
    start_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    end_on = factory.LazyAttribute(lambda c: c.start_on + dt.timedelta(days=29))
    token = factory.LazyFunction(uuid.uuid4)


class ChallengeDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeDay

    challenge = factory.SubFactory(ChallengeFactory)
    date = factory.LazyAttribute(lambda d: d.challenge.start_on)
    achieved = True
