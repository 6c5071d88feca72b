import datetime as dt

import factory
from django.utils import timezone

from tests.factories import UnionFactory
from wellness.club.models import Article, Category, Supporter


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    union = factory.SubFactory(UnionFactory)
    name = factory.Sequence(lambda n: f"専門家 {n}")
    title = "管理栄養士"
    profile = "食事の専門家です。"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    union = factory.SubFactory(UnionFactory)
    category = Category.HEALTHCARE
    title = factory.Sequence(lambda n: f"健康のコツ その{n}")
    summary = "毎日の健康づくりに役立つ記事です。"
    body = "<p>毎日の小さな習慣が大切です。</p>"
    publish_from = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
