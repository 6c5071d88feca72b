"""The TOP page's queries, pinned (STYLE: fast pages come from few queries): a member of the
rich demo union (ミッション, MYポイント, 日々の記録, MY HEALTH CLUB, 歩Fes. all on) and one of the
standard union (none of them), each after a warm-up request (the session's first page checks the
first-login steps once; per-union and per-day caches fill)."""

import os

import pytest
from django.core.management import call_command

from accounts.models import User
from kosmo.models import Union


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {union.slug: union for union in Union.objects.all()}


def _top(client, union, username):
    client.force_login(User.objects.get(username=username))
    client.get("/", HTTP_HOST=union.domain)  # warm-up
    return lambda: client.get("/", HTTP_HOST=union.domain)


def test_rich_union_top_page_queries(client, demo, django_assert_num_queries):
    top = _top(client, demo["kosmo"], "yamada_taro")

    # the session and the user (as every page); ミッション: its daily missions, their clears
    # and today's activities, today's steps (read once for 「今日の歩数」 and the steps mission),
    # the ポイントくじ drawn, the month's rank with the login days and the union's thresholds;
    # MYポイント: the balance (one sum); 日々の記録: today's steps. MY HEALTH CLUB's articles and
    # 歩Fes.'s banner come from the cache after the warm-up.
    with django_assert_num_queries(12):
        response = top()

    page = response.content.decode()
    for text in ("デイリーミッション", "今月のランク", "今日の歩数", "MYポイント", "日々の記録"):
        assert text in page


def test_standard_union_top_page_queries(client, demo, django_assert_num_queries):
    top = _top(client, demo["sakura"], "tanaka_ichiro")

    # the session and the user: no wellness block asks anything
    with django_assert_num_queries(2):
        response = top()

    page = response.content.decode()
    assert "サービスメニュー" in page
    assert "デイリーミッション" not in page
