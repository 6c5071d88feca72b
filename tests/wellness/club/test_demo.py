"""seed_demo makes MY HEALTH CLUB alive on the rich demo union and absent on the standard one."""

import os

import pytest
from django.core.management import call_command

from kosmo.models import Union
from wellness.club import queries
from wellness.club.models import Article, Category, Favourite, ReadEvent, Supporter


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {union.slug: union for union in Union.objects.all()}


def test_rich_demo_union_has_articles_in_every_category_and_rankings(demo):
    kosmo = demo["kosmo"]
    published = queries.articles(kosmo)

    assert published.count() >= 30
    assert set(published.values_list("category", flat=True)) == set(Category.values)
    assert Supporter.objects.filter(union=kosmo).count() == 4
    assert queries.search(kosmo, "睡眠").count() >= 3
    assert Favourite.objects.filter(person__given_name="太郎", person__family_name="山田").exists()
    assert len(queries.ranking(kosmo, "week")) == queries.RANKING_SIZE
    assert len(queries.ranking(kosmo, "month", Category.RECIPE)) > 0
    for category in Category.values:
        assert queries.ranking(kosmo, "month", category), category


def test_standard_demo_union_has_no_health_club(demo):
    sakura = demo["sakura"]

    assert not sakura.has_feature("health_club")
    assert not Article.objects.filter(union=sakura).exists()
    assert not ReadEvent.objects.filter(article__union=sakura).exists()


def test_seeding_twice_keeps_one_set(demo):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert Article.objects.filter(union=demo["kosmo"]).count() == 32
