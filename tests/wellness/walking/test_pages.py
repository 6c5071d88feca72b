"""歩Fes. pages as a member uses them: the TOP banner, entry with its confirm step, teams,
the ranking (fixed queries), the map, stamps; another union's rows are 404; sakura is gated."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kosmo.models import Union
from tests import factories
from tests.wellness.walking.conftest import (
    days,
    make_course,
    make_entry,
    make_event,
    make_team,
    member_of,
    steps,
)
from wellness.walking import services
from wellness.walking.models import CheerStamp, Entry, Team

pytestmark = pytest.mark.django_db
TOP = "/wellness/walking/"
# The ranking page after a warm-up request: its 5 reads of 歩Fes. tables (event, entry, rows,
# my rank, team rank) and 2 of the portal (the session, the user), at any number of entrants.
RANKING_PAGE_QUERIES = 7


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_top_page_shows_the_entry_banner_while_entries_are_open(member_client, rich, today):
    event = make_event(rich, today=today, title="歩Fes. 春", entry_end=today)
    make_event(
        rich, today=today, title="歩Fes. 秋", entry_start=today - days(9), entry_end=today - days(1)
    )
    page = _text(member_client.get("/"))
    assert "エントリー受付中" in page and "歩Fes. 春" in page and "歩Fes. 秋" not in page
    assert f'href="{TOP}{event.pk}/"' in page


def test_no_banner_and_no_page_on_a_union_without_the_contract(member_client, union, today):
    assert union.tier == Union.ContractTier.STANDARD  # sakura-like: no 歩Fes.
    event = make_event(union, today=today)
    assert "エントリー受付中" not in _text(member_client.get("/"))
    for url in (TOP, f"{TOP}{event.pk}/", f"{TOP}{event.pk}/ranking/"):
        response = member_client.get(url)
        assert response.status_code == 404
        assert "この機能はご利用いただけません" in _text(response)


def test_entry_with_nickname_confirm_and_enter(member_client, insured, event):
    top = _text(member_client.get(f"{TOP}{event.pk}/"))
    assert "エントリーする" in top
    empty = _text(
        member_client.post(f"{TOP}{event.pk}/entry/", {"nickname": " ", "step": "confirm"})
    )
    assert "ニックネームを入力してください。" in empty
    confirm = member_client.post(
        f"{TOP}{event.pk}/entry/", {"nickname": "あるくん", "step": "confirm"}
    )
    page = _text(confirm)
    assert "内容を確認して「エントリーする」を押してください。" in page and "あるくん" in page
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page).group(1)
    data = {"nickname": "あるくん", "step": "enter", "token": token}
    done = member_client.post(f"{TOP}{event.pk}/entry/", data, follow=True)
    assert "ウォーキングイベント(個人戦)へのエントリーが完了しました。" in _text(done)
    again = member_client.post(f"{TOP}{event.pk}/entry/", data, follow=True)  # double submit
    assert Entry.objects.filter(event=event, person=insured.person).count() == 1
    assert "新たにチームを作成" in _text(again) and "既存のチームに参加" in _text(again)


def test_entry_after_the_window_is_refused_in_japanese(member_client, rich, today):
    event = make_event(rich, today=today, entry_start=today - days(9), entry_end=today - days(1))
    response = member_client.get(f"{TOP}{event.pk}/entry/", follow=True)
    assert "エントリー受付期間は終了しました。" in _text(response)
    response = member_client.post(
        f"{TOP}{event.pk}/entry/",
        {"nickname": "あるく", "step": "enter", "token": "x"},
        follow=True,
    )
    assert "エントリー受付期間は終了しました。" in _text(response)
    assert not Entry.objects.exists()


def test_change_nickname_from_entry_info(member_client, insured, event):
    make_entry(event, insured.person, "まえ")
    info = _text(member_client.get(f"{TOP}{event.pk}/entry/info/"))
    assert "まえ" in info and "変更" in info
    member_client.post(f"{TOP}{event.pk}/entry/", {"nickname": "あと", "step": "enter"})
    assert Entry.objects.get(person=insured.person).nickname == "あと"


def test_create_a_team_name_emblem_confirm_then_the_team_id(member_client, insured, event):
    make_entry(event, insured.person, "あるく")
    url = f"{TOP}{event.pk}/teams/new/"
    emblem = _text(member_client.post(url, {"name": "歩こう会", "step": "name"}))
    assert "チームエンブレム" in emblem and "決定" in emblem
    missing = _text(member_client.post(url, {"name": "歩こう会", "step": "emblem"}))
    assert "チームエンブレムを選択してください。" in missing
    confirm = _text(member_client.post(url, {"name": "歩こう会", "emblem": "★", "step": "emblem"}))
    assert "チームを作成する" in confirm
    done = member_client.post(
        url, {"name": "歩こう会", "emblem": "★", "step": "create"}, follow=True
    )
    team = Team.objects.get(event=event)
    page = _text(done)
    assert "チーム詳細" in page and team.code in page and "歩こう会" in page
    assert f"チームID「{team.code}」を共有して" in page


def test_join_by_team_id_search_then_join(member_client, insured, event, union):
    team = make_team(event, "歩こう会", code="ABCD2345")
    make_entry(event, member_of(union, "主"), "主", team)
    make_entry(event, insured.person, "あるく")
    found = _text(member_client.get(f"{TOP}{event.pk}/teams/join/", {"code": "abcd2345"}))
    assert "歩こう会" in found and "参加する" in found and "1人 / 3人" in found
    done = member_client.post(f"{TOP}{event.pk}/teams/join/", {"code": "ABCD2345"}, follow=True)
    assert "チーム「歩こう会」に参加しました。" in _text(done)
    assert Entry.objects.get(person=insured.person).team == team


def test_join_by_an_unknown_team_id_says_so_in_japanese(member_client, insured, event):
    make_entry(event, insured.person, "あるく")
    page = _text(member_client.get(f"{TOP}{event.pk}/teams/join/", {"code": "NOSUCH99"}))
    assert "該当するチームが見つかりません。チームIDをご確認ください。" in page
    assert "参加する" not in page


def test_a_full_team_refuses_on_the_page(member_client, insured, event, union):
    team = make_team(event, code="FULL2345")
    for name in ("一", "二", "三"):
        make_entry(event, member_of(union, name), name, team)
    make_entry(event, insured.person, "あるく")
    page = _text(member_client.post(f"{TOP}{event.pk}/teams/join/", {"code": "FULL2345"}))
    assert "このチームは定員(3人)に達しているため参加できません。" in page


def test_another_unions_team_id_is_not_found(
    member_client, insured, event, other_union_member, today
):
    other_event = make_event(other_union_member.person.household.union, today=today)
    make_team(other_event, code="OTHR2345")
    make_entry(event, insured.person, "あるく")
    page = _text(member_client.get(f"{TOP}{event.pk}/teams/join/", {"code": "OTHR2345"}))
    assert "該当するチームが見つかりません。" in page


def test_leave_the_team_then_create_or_join_again(member_client, insured, event, union):
    team = make_team(event)
    make_entry(event, member_of(union, "残る"), "残る", team)
    make_entry(event, insured.person, "あるく", team)
    confirm = _text(member_client.get(f"{TOP}{event.pk}/team/leave/"))
    assert "チームを脱退する" in confirm
    done = _text(member_client.post(f"{TOP}{event.pk}/team/leave/", follow=True))
    assert "チームから脱退しました。" in done and "新たにチームを作成" in done
    assert Entry.objects.get(person=insured.person).team is None


def test_another_unions_event_is_404(member_client, other_union_member, today, rich):
    other = make_event(other_union_member.person.household.union, today=today)
    for path in ("", "entry/", "ranking/", "map/", "team/", "stamps/"):
        assert member_client.get(f"{TOP}{other.pk}/{path}").status_code == 404


def test_pages_of_an_entrant_are_404_for_a_member_not_entered(member_client, event):
    for path in ("map/", "team/", "stamps/", "entry/info/", "teams/new/"):
        assert member_client.get(f"{TOP}{event.pk}/{path}").status_code == 404


def _ranked_event(event, insured, union, today, people):
    team_a, team_b = make_team(event, "Aチーム"), make_team(event, "Bチーム")
    make_entry(event, insured.person, "わたし", team_a)
    steps(insured.person, today, 5000)
    for index in range(people):
        person = member_of(union, f"人{index}")
        make_entry(event, person, f"歩く人{index}", team_a if index % 2 else team_b)
        steps(person, today, 1000 * (index % 4))
    services.refresh_rankings(event=event)


def test_the_ranking_page_shows_ranks_with_ties(member_client, insured, event, union, today):
    _ranked_event(event, insured, union, today, 4)  # 5000, 0, 1000, 2000, 3000
    page = _text(member_client.get(f"{TOP}{event.pk}/ranking/"))
    assert "あなたの順位: 1位 (5,000歩)" in page
    assert re.search(r"<td>1位</td><td>わたし</td><td>5,000</td>", page)
    team_page = _text(member_client.get(f"{TOP}{event.pk}/ranking/", {"view": "team"}))
    assert re.search(r"<td>1位</td><td>.*?Aチーム</td><td>3</td><td>9,000</td>", team_page)
    assert "チームの順位: 1位 (9,000歩)" in team_page


def test_tied_members_share_a_rank_on_the_page(member_client, insured, event, union, today):
    make_entry(event, insured.person, "わたし")
    other = member_of(union, "同点")
    make_entry(event, other, "どうてん")
    third = member_of(union, "三")
    make_entry(event, third, "さん")
    steps(insured.person, today, 3000)
    steps(other, today, 3000)
    steps(third, today, 10)
    services.refresh_rankings(event=event)
    page = _text(member_client.get(f"{TOP}{event.pk}/ranking/"))
    assert "<td>1位</td><td>わたし</td>" in page and "<td>1位</td><td>どうてん</td>" in page
    assert "<td>3位</td><td>さん</td>" in page


def test_the_ranking_page_takes_the_same_queries_for_10_or_40_entrants(
    member_client, insured, event, union, today
):
    _ranked_event(event, insured, union, today, 10)
    member_client.get(f"{TOP}{event.pk}/ranking/")  # the union and session caches warm up
    with CaptureQueriesContext(connection) as few:
        member_client.get(f"{TOP}{event.pk}/ranking/")
        member_client.get(f"{TOP}{event.pk}/ranking/", {"view": "team"})
    for index in range(30):
        person = member_of(union, f"追加{index}")
        make_entry(event, person, f"追加{index}", None)
        steps(person, today, 100 * index)
    services.refresh_rankings(event=event)
    with CaptureQueriesContext(connection) as many:
        member_client.get(f"{TOP}{event.pk}/ranking/")
        member_client.get(f"{TOP}{event.pk}/ranking/", {"view": "team"})
    # The pages' own reads (of 歩Fes. tables): the same list whatever the number of entrants.
    # The portal's shared lookups (union, session, account) come from caches that expire on
    # their own clock, so they are left out of the comparison.
    assert _walking_queries(many) == _walking_queries(few)
    assert len(_walking_queries(few)) == 10  # 5 a page: event, entry, rows, my rank, team rank


@pytest.mark.parametrize("view", [{}, {"view": "team"}])
def test_the_ranking_page_takes_exactly_the_same_number_of_queries_for_10_or_40_entrants(
    member_client, insured, event, union, today, view, django_assert_num_queries
):
    """The whole page, portal lookups included, after a warm-up request (the union and session
    caches filled): the same count at both sizes."""
    url = f"{TOP}{event.pk}/ranking/"
    _ranked_event(event, insured, union, today, 10)
    member_client.get(url, view)
    with django_assert_num_queries(RANKING_PAGE_QUERIES):
        page = _text(member_client.get(url, view))
    assert "あなたの順位" in page or "チームの順位" in page
    for index in range(30):
        person = member_of(union, f"追加{index}")
        make_entry(event, person, f"追加{index}", None)
        steps(person, today, 100 * index)
    services.refresh_rankings(event=event)
    member_client.get(url, view)
    with django_assert_num_queries(RANKING_PAGE_QUERIES):
        page = _text(member_client.get(url, view))
    assert ("Aチーム" if view else "追加29") in page


def _walking_queries(captured) -> list[str]:
    return [
        query["sql"].split(" WHERE ")[0]
        for query in captured.captured_queries
        if "wellness_walking" in query["sql"]
    ]


def test_the_map_shows_distance_and_checkpoints_without_javascript(
    member_client, insured, rich, today
):
    course = make_course(
        rich, [("日本橋", "0", 50, 50), ("品川", "7", 500, 50), ("川崎", "14", 950, 50)]
    )
    event = make_event(rich, today=today, course=course)
    make_entry(event, insured.person, "あるく")
    steps(insured.person, today, 10000)  # 7.00 km: 品川 reached exactly
    services.refresh_rankings(event=event)
    page = _text(member_client.get(f"{TOP}{event.pk}/map/"))
    assert "<svg" in page and 'role="img"' in page
    assert "7.00 km / 14.00 km (50%)" in page
    assert "品川 (7.00 km) — 到達" in page and "川崎 (14.00 km) — 未到達" in page
    assert "川崎 まであと 7.00 km" in page
    assert 'cx="500.0"' in page  # the marker stands on 品川


def test_stamps_between_team_members_with_new_stamps(client, insured, event, union):
    team = make_team(event)
    mine = make_entry(event, insured.person, "わたし", team)
    mate_user = factories.UserFactory(person__household=factories.HouseholdFactory(union=union))
    mate = make_entry(event, mate_user.person, "なかま", team)
    client.force_login(mate_user)
    send = client.post(f"{TOP}{event.pk}/stamps/{mine.pk}/", {"stamp": "fight"}, follow=True)
    assert "わたし さんに応援スタンプを送りました。" in _text(send)
    client.force_login(insured)
    top = _text(client.get(f"{TOP}{event.pk}/"))
    assert "新着スタンプ" in top
    history = _text(client.get(f"{TOP}{event.pk}/stamps/"))
    assert "ファイト！" in history and "なかま さんから" in history and "新着" in history
    assert "新着スタンプ" not in _text(client.get(f"{TOP}{event.pk}/"))
    assert "なかま さんから" in _text(client.get(f"{TOP}{event.pk}/stamps/"))  # the history stays
    assert CheerStamp.objects.get().recipient == mine and mate.pk


def test_a_stamp_to_another_teams_member_is_refused(member_client, insured, event, union):
    mine = make_entry(event, insured.person, "わたし", make_team(event, "A"))
    stranger = make_entry(event, member_of(union, "他"), "よそ", make_team(event, "B"))
    response = member_client.post(f"{TOP}{event.pk}/stamps/{stranger.pk}/", {"stamp": "fight"})
    assert response.status_code == 404
    assert (
        member_client.post(f"{TOP}{event.pk}/stamps/{mine.pk}/", {"stamp": "fight"}).status_code
        == 404
    )
    assert not CheerStamp.objects.exists()


def test_after_the_event_the_final_results_show(member_client, insured, rich, today):
    event = make_event(
        rich,
        today=today,
        entry_start=today - days(30),
        entry_end=today - days(20),
        start_on=today - days(15),
        end_on=today - days(1),
    )
    make_entry(event, insured.person, "わたし")
    steps(insured.person, today - days(1), 4321)
    services.refresh_rankings(event=event)
    page = _text(member_client.get(f"{TOP}{event.pk}/"))
    assert "最終結果" in page and "あなたの順位: 1位 (4,321歩)" in page
    assert "最終結果" in _text(member_client.get(f"{TOP}{event.pk}/ranking/"))
