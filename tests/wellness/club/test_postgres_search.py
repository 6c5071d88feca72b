"""On PostgreSQL the free-word search reads the trigram GIN index (migration 0002)."""

import pytest
from django.db import connection

from tests.conftest import require
from tests.wellness.club.factories import ArticleFactory
from wellness.club import queries
from wellness.club.models import Article


@pytest.fixture
def postgres(db):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")


def test_japanese_words_of_three_characters_use_the_trigram_index(postgres, rich):
    ArticleFactory(union=rich, title="睡眠の質を上げる7つの習慣")
    found = queries.search(rich, "睡眠の質")
    # The word's condition as Django writes it for icontains (UPPER(col) LIKE UPPER(%s)); the
    # whole search also filters the union, whose btree index a tiny table may prefer.
    condition = Article.objects.filter(search_text__icontains="睡眠の質")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = condition.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "club_article_search_trgm" in plan
    assert [a.title for a in found] == ["睡眠の質を上げる7つの習慣"]


def test_two_character_japanese_word_still_hits(postgres, rich):
    ArticleFactory(union=rich, title="子どもの睡眠リズム")

    assert [a.title for a in queries.search(rich, "睡眠")] == ["子どもの睡眠リズム"]
