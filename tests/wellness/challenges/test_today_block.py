"""The 日々の記録 TOP's block (`{% todays_challenges %}`): today's challenges with ○ / ×
buttons and 「チャレンジを追加する」, one query, nothing for a union without チャレンジ."""

import re

from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.wellness.challenges.conftest import days
from tests.wellness.challenges.factories import ChallengeDayFactory, ChallengeFactory

BLOCK = Template("{% load challenges %}{% todays_challenges %}")


def _render(user, union) -> tuple[str, int]:
    request = RequestFactory().get("/wellness/records/")
    request.user, request.member, request.union = user, user.person, union
    with CaptureQueriesContext(connection) as queries:
        html = BLOCK.render(Context({"request": request, "csrf_token": "token"}))
    return re.sub(r"\s+", " ", html), len(queries)


def test_block_lists_todays_challenges_with_their_buttons(insured, rich, today):
    walk = ChallengeFactory(person=insured.person, title="歩く")
    ChallengeDayFactory(challenge=walk, date=today, achieved=True)
    ChallengeFactory(person=insured.person, title="昨日まで", end_on=today - days(1))
    ChallengeFactory(
        person=insured.person, title="明日から", start_on=today + days(1), end_on=today + days(3)
    )

    html, queries = _render(insured, rich)

    assert f"今日のチャレンジ {today.month}/{today.day}" in html
    assert ">歩く</a>" in html and "昨日まで" not in html and "明日から" not in html
    assert f'action="/wellness/challenges/{walk.pk}/record/"' in html
    assert f'name="date" value="{today.isoformat()}"' in html
    assert 'name="next" value="/wellness/records/"' in html
    assert re.search(r'value="1" aria-pressed="true" aria-label="歩くを○\(達成\)にする">○', html)
    assert re.search(r'value="0" aria-pressed="false" aria-label="歩くを×\(未達成\)にする">×', html)
    assert 'href="/wellness/challenges/">チャレンジを追加する</a>' in html
    assert queries == 1


def test_block_without_challenges_invites_to_add_one(insured, rich):
    html, _ = _render(insured, rich)

    assert "今日記録するチャレンジはありません。" in html
    assert "チャレンジを追加する" in html


def test_block_is_empty_without_the_contract(insured, union):
    ChallengeFactory(person=insured.person)

    html, queries = _render(insured, union)

    assert html.strip() == "" and queries == 0


def test_records_top_shows_the_block_and_its_buttons_mark_today(
    member_client, insured, rich, today
):
    walk = ChallengeFactory(person=insured.person, title="歩く")

    page = re.sub(r"\s+", " ", member_client.get("/wellness/records/").content.decode())
    assert f"今日のチャレンジ {today.month}/{today.day}" in page
    assert ">歩く</a>" in page and "チャレンジを追加する" in page

    response = member_client.post(
        f"/wellness/challenges/{walk.pk}/record/",
        {"date": today.isoformat(), "result": "1", "next": "/wellness/records/"},
        follow=True,
    )

    assert response.redirect_chain == [("/wellness/records/", 302)]
    page = re.sub(r"\s+", " ", response.content.decode())
    assert f"「歩く」{today.month}/{today.day} の成果を「○」で記録しました。" in page
    assert re.search(r'value="1" aria-pressed="true" aria-label="歩くを○\(達成\)にする">', page)
