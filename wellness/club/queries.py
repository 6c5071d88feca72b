"""Read side of MY HEALTH CLUB: every query starts from the union the portal serves; members
see published articles only (outside the window an article is a 404)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kosmo.models import Person, Union
from wellness.club.models import Article, Category, Favourite, ReadEvent, Supporter

RANKING_SIZE = 5
# Rolling windows ending today (Japan time): the 7 days of 週間, the 30 days of 月間.
RANKING_DAYS = {"week": 7, "month": 30}
RANKING_CACHE_SECONDS = 600
TOP_BLOCK_SIZE = 3
TOP_BLOCK_CACHE_SECONDS = 60

_WORD_SEPARATORS = re.compile(r"[\s\u3000]+")


def articles(union: Union, at: dt.datetime | None = None) -> QuerySet[Article]:
    """The union's published articles, newest first, with their supporter."""
    return Article.objects.filter(union=union).published(at).select_related("supporter")


def with_hearts(queryset: QuerySet[Article], person: Person) -> QuerySet[Article]:
    """Each article with `is_favourite` for `person`, in the same query."""
    mine = Favourite.objects.filter(person=person, article=OuterRef("pk"))
    return queryset.annotate(is_favourite=Exists(mine))


def article_for_member(union: Union, person: Person, pk: int) -> Article:
    """An article the member may read: another union's, or one outside its window, is a 404."""
    return get_object_or_404(with_hearts(articles(union), person).prefetch_related("tags"), pk=pk)


def search_words(query: str) -> list[str]:
    """A free-word query's words: split at ASCII and full-width spaces."""
    return [word for word in _WORD_SEPARATORS.split(query.strip()) if word]


def search(union: Union, query: str) -> QuerySet[Article]:
    """Articles whose title, summary, tags, body or supporter contain every word.

    Japanese has no spaces between words, so this is a substring match (``icontains``: LIKE on
    SQLite, ILIKE on PostgreSQL, where a pg_trgm GIN index on `search_text` serves words of
    three or more characters); 「睡眠」 finds 「睡眠の質」 as it should.
    """
    queryset = articles(union)
    for word in search_words(query):
        queryset = queryset.filter(search_text__icontains=word)
    return queryset


def in_category(union: Union, category: str) -> QuerySet[Article]:
    return articles(union).filter(category=category)


def favourites(person: Person) -> QuerySet[Article]:
    """The member's favourites that are still published, the latest heart first."""
    return (
        articles(person.household.union)
        .filter(favourites__person=person)
        .order_by("-favourites__created_at", "-pk")
    )


def supporters(union: Union) -> QuerySet[Supporter]:
    return Supporter.objects.filter(union=union)


def supporter_for_member(union: Union, pk: int) -> Supporter:
    return get_object_or_404(supporters(union), pk=pk)


def latest_cached(union: Union, limit: int = TOP_BLOCK_SIZE) -> list[Article]:
    """The newest articles for the TOP page's block, kept TOP_BLOCK_CACHE_SECONDS in the cache:
    the TOP page costs no query for them most of the time, and a new or expired article shows
    there within a minute (the article page itself always checks the window)."""
    key = f"club:latest:{union.pk}:{limit}"
    found = cache.get(key)
    if found is None:
        found = list(articles(union)[:limit])
        cache.set(key, found, TOP_BLOCK_CACHE_SECONDS)
    return found


def ranking_window(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a ranking counts: today and the days before it."""
    return today - dt.timedelta(days=RANKING_DAYS[period] - 1), today


def ranking_counts(
    union: Union, period: str, category: str = "", today: dt.date | None = None
) -> list[tuple[int, int]]:
    """[(article id, reads)] of the most-read published articles in the window, most reads
    first (the newer article first on a tie): one aggregate over ReadEvent, kept in the cache
    for RANKING_CACHE_SECONDS under a key of the union, period, category and day."""
    today = today or timezone.localdate()
    key = f"club:ranking:{union.pk}:{period}:{category or 'all'}:{today.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        first, last = ranking_window(period, today)
        reads = ReadEvent.objects.filter(article__in=articles(union), read_on__range=(first, last))
        if category:
            reads = reads.filter(article__category=category)
        rows = (
            reads.values("article")
            .annotate(reads=Count("pk"))
            .order_by("-reads", "-article__publish_from", "-article")[:RANKING_SIZE]
        )
        counts = [(row["article"], row["reads"]) for row in rows]
        cache.set(key, counts, RANKING_CACHE_SECONDS)
    return counts


def ranking(
    union: Union, period: str, category: str = "", today: dt.date | None = None
) -> list[tuple[Article, int]]:
    """[(article, reads)] in rank order: the cached counts, then one query for the articles
    (still published now)."""
    counts = ranking_counts(union, period, category, today)
    if not counts:
        return []
    found = articles(union).in_bulk([pk for pk, _ in counts])
    return [(found[pk], reads) for pk, reads in counts if pk in found]


def category_label(key: str) -> str | None:
    return dict(Category.choices).get(key)
