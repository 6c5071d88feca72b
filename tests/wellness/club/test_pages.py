"""WEL-3 MY HEALTH CLUB (manual §4-9): the publish window, free-word search in Japanese, the
heart, rankings from read events, sanitised staff HTML, scoping, contract gating and a fixed
number of queries per list page."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kosmo.models import Union
from tests import factories
from tests.wellness.club.factories import ArticleFactory, SupporterFactory
from wellness.club import queries, services
from wellness.club.models import Article, Category, Favourite, ReadEvent, Tag

UNAVAILABLE = "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。"


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- publish window -------------------------------------------------------------------------


def test_article_opens_only_inside_its_publish_window(member_client, rich):
    now = timezone.now()
    shown = ArticleFactory(union=rich, title="公開中の記事")
    future = ArticleFactory(
        union=rich, title="これから公開", publish_from=now + dt.timedelta(minutes=1)
    )
    expired = ArticleFactory(
        union=rich,
        publish_from=now - dt.timedelta(days=10),
        publish_until=now - dt.timedelta(seconds=1),
    )

    assert "公開中の記事" in _html(member_client.get(f"/wellness/club/articles/{shown.pk}/"))
    assert member_client.get(f"/wellness/club/articles/{future.pk}/").status_code == 404
    assert member_client.get(f"/wellness/club/articles/{expired.pk}/").status_code == 404
    top = _html(member_client.get("/wellness/club/"))
    assert "公開中の記事" in top
    assert "これから公開" not in top


def test_publish_window_boundaries_start_inclusive_end_exclusive(rich):
    start = timezone.now().replace(microsecond=0)
    end = start + dt.timedelta(days=7)
    article = ArticleFactory(union=rich, publish_from=start, publish_until=end)
    tick = dt.timedelta(microseconds=1)

    def visible(at):
        return queries.articles(rich, at).filter(pk=article.pk).exists()

    assert not visible(start - tick)
    assert visible(start)
    assert visible(end - tick)
    assert not visible(end)


def test_publish_until_must_follow_publish_from(rich):
    start = timezone.now()
    article = ArticleFactory.build(union=rich, publish_from=start, publish_until=start)

    with pytest.raises(Exception) as error:
        article.full_clean()

    assert "公開終了日時は公開開始日時より後にしてください。" in str(error.value)


# --- free-word search -----------------------------------------------------------------------


def test_japanese_query_finds_articles_by_title_body_and_tag(member_client, rich):
    by_title = ArticleFactory(union=rich, title="睡眠の質を上げる7つの習慣")
    by_body = ArticleFactory(
        union=rich, title="夜のリラックス法", body="<p>寝つきをよくして睡眠時間を確保します。</p>"
    )
    by_tag = ArticleFactory(union=rich, title="子どもの生活リズム")
    by_tag.tags.add(Tag.objects.create(union=rich, name="睡眠"))
    services.refresh_search_text(by_tag)
    ArticleFactory(union=rich, title="減塩レシピ", body="<p>塩分を控えましょう。</p>")

    html = _html(member_client.get("/wellness/club/search/", {"q": "睡眠"}))

    assert "「睡眠」の検索結果 3件" in html
    for article in (by_title, by_body, by_tag):
        assert article.title in html
    assert "減塩レシピ" not in html


def test_every_word_of_the_query_must_match_full_width_space_too(member_client, rich):
    ArticleFactory(union=rich, title="睡眠と運動の関係")
    ArticleFactory(union=rich, title="睡眠の質")

    html = _html(member_client.get("/wellness/club/search/", {"q": "睡眠\u3000運動"}))

    assert "「睡眠 運動」の検索結果 1件" in html  # _html shows the full-width space as " "
    assert "睡眠と運動の関係" in html
    assert "睡眠の質<" not in html


def test_search_without_hits_says_so(member_client, rich):
    ArticleFactory(union=rich, title="睡眠の質")

    html = _html(member_client.get("/wellness/club/search/", {"q": "ヨガ"}))

    assert "検索した条件に当てはまる記事はありません。" in html


def test_search_refuses_an_empty_or_overlong_query_in_japanese(member_client, rich):
    empty = _html(member_client.get("/wellness/club/search/", {"q": ""}))
    long = _html(member_client.get("/wellness/club/search/", {"q": "あ" * 101}))
    limit = _html(member_client.get("/wellness/club/search/", {"q": "あ" * 100}))

    assert "キーワードを入力してください。" in empty
    assert "キーワードは100文字以内で入力してください。" in long
    assert "文字以内で入力してください" not in limit
    assert "の検索結果 0件" in limit


def test_search_finds_no_other_unions_or_unpublished_articles(member_client, rich):
    other = factories.UnionFactory(tier=Union.ContractTier.RICH)
    ArticleFactory(union=other, title="よその睡眠記事")
    ArticleFactory(
        union=rich, title="未公開の睡眠記事", publish_from=timezone.now() + dt.timedelta(hours=1)
    )

    html = _html(member_client.get("/wellness/club/search/", {"q": "睡眠"}))

    assert "の検索結果 0件" in html
    assert "よその睡眠記事" not in html
    assert "未公開の睡眠記事" not in html


# --- favourites -----------------------------------------------------------------------------


def test_heart_registers_once_even_when_submitted_twice(member_client, rich, insured):
    article = ArticleFactory(union=rich, title="お気に入りにする記事")
    url = f"/wellness/club/articles/{article.pk}/favourite/"

    first = member_client.post(url, {"favourite": "1", "next": "/wellness/club/"})
    member_client.post(url, {"favourite": "1", "next": "/wellness/club/"})

    assert first.status_code == 302
    assert first["Location"] == "/wellness/club/"
    assert Favourite.objects.filter(person=insured.person, article=article).count() == 1
    listing = _html(member_client.get("/wellness/club/favourites/"))
    assert "お気に入りにする記事" in listing
    assert 'aria-label="お気に入りから削除する: お気に入りにする記事"' in listing


def test_heart_removed_twice_is_simply_off(member_client, rich, insured):
    article = ArticleFactory(union=rich, title="外す記事")
    services.set_favourite(person=insured.person, article=article, on=True)
    url = f"/wellness/club/articles/{article.pk}/favourite/"

    member_client.post(url, {"favourite": "0"})
    response = member_client.post(url, {"favourite": "0"}, follow=True)

    assert not Favourite.objects.filter(person=insured.person).exists()
    html = _html(response)
    assert "お気に入りから削除しました。" in html
    assert 'aria-label="お気に入りに登録する: 外す記事"' in html
    assert "お気に入りに登録した記事はありません。" in _html(
        member_client.get("/wellness/club/favourites/")
    )


def test_heart_never_redirects_off_the_site(member_client, rich):
    article = ArticleFactory(union=rich)

    response = member_client.post(
        f"/wellness/club/articles/{article.pk}/favourite/",
        {"favourite": "1", "next": "https://evil.example/"},
    )

    assert response["Location"] == f"/wellness/club/articles/{article.pk}/"


def test_favourites_are_each_members_own(member_client, rich, insured, other_household_member):
    article = ArticleFactory(union=rich, title="佐藤さんのお気に入り")
    services.set_favourite(person=other_household_member.person, article=article, on=True)

    html = _html(member_client.get("/wellness/club/favourites/"))

    assert "佐藤さんのお気に入り" not in html


# --- read events and rankings ---------------------------------------------------------------


def _reads(article, count, day):
    for _ in range(count):
        person = factories.PersonFactory(household=factories.HouseholdFactory(union=article.union))
        services.record_read(person=person, article=article, on=day)


def test_reading_an_article_counts_once_a_day(member_client, rich, insured):
    article = ArticleFactory(union=rich)

    member_client.get(f"/wellness/club/articles/{article.pk}/")
    member_client.get(f"/wellness/club/articles/{article.pk}/")

    assert list(ReadEvent.objects.values_list("person_id", "read_on")) == [
        (insured.person.pk, timezone.localdate())
    ]


def test_weekly_ranking_counts_today_and_the_six_days_before(rich):
    today = dt.date(2026, 12, 5)
    inside = ArticleFactory(union=rich, title="7日前まで")
    outside = ArticleFactory(union=rich, title="8日前")
    _reads(inside, 2, today - dt.timedelta(days=6))
    _reads(outside, 3, today - dt.timedelta(days=7))

    week = queries.ranking(rich, "week", today=today)
    month = queries.ranking(rich, "month", today=today)

    assert [(a.title, n) for a, n in week] == [("7日前まで", 2)]
    assert [(a.title, n) for a, n in month] == [("8日前", 3), ("7日前まで", 2)]


def test_monthly_ranking_counts_thirty_days(rich):
    today = dt.date(2026, 12, 5)
    inside = ArticleFactory(union=rich, title="29日前")
    outside = ArticleFactory(union=rich, title="30日前")
    _reads(inside, 1, today - dt.timedelta(days=29))
    _reads(outside, 4, today - dt.timedelta(days=30))

    assert [(a.title, n) for a, n in queries.ranking(rich, "month", today=today)] == [("29日前", 1)]


def test_ranking_per_category_lists_only_that_category_top_five(rich):
    today = timezone.localdate()
    recipes = [
        ArticleFactory(union=rich, category=Category.RECIPE, title=f"レシピ{n}") for n in range(6)
    ]
    exercise = ArticleFactory(union=rich, category=Category.EXERCISE, title="運動の記事")
    for n, article in enumerate(recipes):
        _reads(article, n + 1, today)
    _reads(exercise, 10, today)

    recipe_ranking = queries.ranking(rich, "week", Category.RECIPE)
    overall = queries.ranking(rich, "week")

    assert [a.title for a, _ in recipe_ranking] == [
        "レシピ5",
        "レシピ4",
        "レシピ3",
        "レシピ2",
        "レシピ1",
    ]
    assert overall[0][0].title == "運動の記事"


def test_ranking_page_shows_the_chosen_period_and_category(member_client, rich):
    today = timezone.localdate()
    recipe = ArticleFactory(union=rich, category=Category.RECIPE, title="人気のレシピ")
    old = ArticleFactory(union=rich, category=Category.RECIPE, title="先月よく読まれたレシピ")
    _reads(recipe, 2, today)
    _reads(old, 5, today - dt.timedelta(days=10))

    week = _html(member_client.get("/wellness/club/ranking/", {"category": "recipe"}))
    month = _html(
        member_client.get("/wellness/club/ranking/", {"category": "recipe", "period": "month"})
    )

    assert "ランキング（レシピ）" in week
    assert "1位</span> <a" in week
    assert "人気のレシピ" in week
    assert "先月よく読まれたレシピ" not in week
    assert month.index("先月よく読まれたレシピ") < month.index("人気のレシピ")
    assert member_client.get("/wellness/club/ranking/", {"period": "year"}).status_code == 404


def test_expired_articles_leave_the_ranking(rich):
    today = timezone.localdate()
    article = ArticleFactory(union=rich, title="終了した記事")
    _reads(article, 3, today)
    Article.objects.filter(pk=article.pk).update(publish_until=timezone.now())

    assert queries.ranking(rich, "week") == []


# --- sanitised HTML -------------------------------------------------------------------------


def test_script_in_an_article_never_reaches_the_page(member_client, rich):
    article = ArticleFactory(
        union=rich,
        body=(
            '<p onclick="steal()">本文です。</p><script>alert("x")</script>'
            '<img src="/media/a.png" onerror="steal()" alt="図">'
            '<a href="javascript:steal()">リンク</a>'
            '<iframe src="https://evil.example/"></iframe><h2>見出し</h2>'
        ),
    )

    html = member_client.get(f"/wellness/club/articles/{article.pk}/").content.decode()

    assert "<p>本文です。</p>" in html
    assert '<img src="/media/a.png" alt="図">' in html
    assert "<h2>見出し</h2>" in html
    for bad in ("<script>alert", "onclick", "onerror", "javascript:", "<iframe", "steal()"):
        assert bad not in html
    article.refresh_from_db()
    assert "<script" not in article.body  # cleaned when saved


def test_body_written_around_save_is_cleaned_when_shown(member_client, rich):
    article = ArticleFactory(union=rich)
    Article.objects.filter(pk=article.pk).update(body="<p>安全</p><script>alert(1)</script>")

    html = member_client.get(f"/wellness/club/articles/{article.pk}/").content.decode()

    assert "<p>安全</p>" in html
    assert "<script>alert(1)" not in html


# --- scoping and gating ---------------------------------------------------------------------


def test_another_unions_article_and_supporter_are_404(member_client, rich):
    other = factories.UnionFactory(tier=Union.ContractTier.RICH)
    article = ArticleFactory(union=other)
    supporter = SupporterFactory(union=other)

    assert member_client.get(f"/wellness/club/articles/{article.pk}/").status_code == 404
    assert (
        member_client.post(
            f"/wellness/club/articles/{article.pk}/favourite/", {"favourite": "1"}
        ).status_code
        == 404
    )
    assert member_client.get(f"/wellness/club/supporters/{supporter.pk}/").status_code == 404
    assert not Favourite.objects.exists()
    assert not ReadEvent.objects.exists()


def test_unknown_category_is_404(member_client, rich):
    assert member_client.get("/wellness/club/category/cooking/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/wellness/club/", "/wellness/club/search/?q=睡眠", "/wellness/club/favourites/"]
)
def test_standard_contract_has_no_health_club(member_client, union, path):
    assert union.tier == Union.ContractTier.STANDARD
    ArticleFactory(union=union, title="標準契約の記事")

    response = member_client.get(path)

    assert response.status_code == 404
    assert UNAVAILABLE in response.content.decode()
    assert "健康情報 MY HEALTH CLUB" not in _html(member_client.get("/"))


def test_article_page_is_gated_too(member_client, union):
    article = ArticleFactory(union=union)

    response = member_client.get(f"/wellness/club/articles/{article.pk}/")

    assert response.status_code == 404
    assert UNAVAILABLE in response.content.decode()
    assert not ReadEvent.objects.exists()


def test_signed_out_visitor_goes_to_login(client, rich):
    response = client.get("/wellness/club/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- pages ----------------------------------------------------------------------------------


def test_top_page_shows_the_health_club_block_with_more_link(member_client, rich):
    for n in range(4):
        ArticleFactory(
            union=rich, title=f"新着{n}", publish_from=timezone.now() - dt.timedelta(hours=n + 1)
        )

    html = _html(member_client.get("/"))

    assert "健康情報 MY HEALTH CLUB" in html
    assert '<a href="/wellness/club/">もっと見る</a>' in html
    assert "新着0" in html
    assert "新着2" in html
    assert "新着3" not in html  # three newest


def test_club_top_lists_categories_supporters_and_this_weeks_ranking(member_client, rich):
    supporter = SupporterFactory(union=rich, name="高橋 美穂")
    article = ArticleFactory(union=rich, title="減塩レシピ", supporter=supporter)
    _reads(article, 1, timezone.localdate())

    html = _html(member_client.get("/wellness/club/"))

    for label in (
        "運動",
        "ヘルスケア",
        "レシピ",
        "介護",
        "メンタルヘルス",
        "子育て",
        "ビジネス",
        "ライフスタイル",
    ):
        assert f">{label}</a>" in html
    assert "週間ランキング" in html
    assert "1位" in html
    assert "高橋 美穂" in html
    assert "フリーワード検索" in html


def test_supporter_page_shows_profile_and_articles(member_client, rich):
    supporter = SupporterFactory(
        union=rich, name="森田 彩", profile="公認心理師です。\n\nよろしく。"
    )
    ArticleFactory(union=rich, title="ストレスのセルフチェック", supporter=supporter)
    ArticleFactory(union=rich, title="別の人の記事")

    html = _html(member_client.get(f"/wellness/club/supporters/{supporter.pk}/"))

    assert "<p>公認心理師です。</p><p>よろしく。</p>" in html
    assert "ストレスのセルフチェック" in html
    assert "別の人の記事" not in html


def _category_queries(client) -> int:
    client.get("/wellness/club/category/healthcare/")  # session and first-login checks once
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/wellness/club/category/healthcare/").status_code == 200
    return len(captured)


def test_category_page_costs_the_same_queries_for_two_or_twelve_articles(
    member_client, rich, insured
):
    supporter = SupporterFactory(union=rich)
    for _ in range(2):
        ArticleFactory(union=rich, supporter=supporter)
    few = _category_queries(member_client)

    for n in range(10):
        article = ArticleFactory(union=rich, supporter=SupporterFactory(union=rich))
        article.tags.add(Tag.objects.create(union=rich, name=f"タグ{n}"))
        services.set_favourite(person=insured.person, article=article, on=True)
    many = _category_queries(member_client)

    assert few == many
    assert many <= 4  # user, count, page of articles (+ the union's feature check if uncached)


def _home_queries(client) -> tuple[int, str]:
    client.get("/")  # first-login checks (and the block's articles) once
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/").content.decode()
    return len(captured), html


def test_top_page_block_costs_no_query_once_cached(rich, member_client):
    ArticleFactory(union=rich, title="新着の記事")
    with_block, html = _home_queries(member_client)
    rich.set_enabled_features(set(rich.enabled_feature_keys) - {"health_club"})
    rich.save()
    without_block, plain = _home_queries(member_client)

    assert "新着の記事" in html
    assert "新着の記事" not in plain
    assert with_block == without_block
