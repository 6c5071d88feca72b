"""The rules of 歩Fes. through its services: entry window, which steps count, ranks with ties,
team size, leaving and rejoining, stamps only within a team, the map, the refresh task."""

import uuid
from decimal import Decimal

import pytest

from tests.wellness.walking.conftest import (
    days,
    make_course,
    make_entry,
    make_event,
    make_team,
    member_of,
    steps,
)
from wellness.walking import queries, services, tasks
from wellness.walking.models import CheerStamp, Entry, EntryRank, Team, TeamRank

pytestmark = pytest.mark.django_db


def _enter(event, person, day):
    return services.enter(
        event=event, person=person, nickname="あるく", token=uuid.uuid4(), day=day
    )


@pytest.mark.parametrize("offset", [0, 9])  # the first and the last day of the window
def test_entry_is_taken_on_the_first_and_last_day_of_the_window(rich, insured, today, offset):
    event = make_event(rich, today=today, entry_start=today, entry_end=today + days(9))
    entry, created = _enter(event, insured.person, today + days(offset))
    assert created and entry.nickname == "あるく"


def test_entry_is_refused_the_day_before_the_window_opens(rich, insured, today):
    event = make_event(rich, today=today, entry_start=today, entry_end=today + days(9))
    with pytest.raises(services.WalkingRefused, match="^エントリー受付期間前です。$"):
        _enter(event, insured.person, today - days(1))
    assert not Entry.objects.exists()


def test_entry_is_refused_the_day_after_the_window_closes(rich, insured, today):
    event = make_event(rich, today=today, entry_start=today, entry_end=today + days(9))
    with pytest.raises(services.WalkingRefused, match="^エントリー受付期間は終了しました。$"):
        _enter(event, insured.person, today + days(10))
    assert not Entry.objects.exists()


def test_the_same_confirm_page_posted_twice_enters_once(event, insured, today):
    token = uuid.uuid4()
    first, created = services.enter(
        event=event, person=insured.person, nickname="あるく", token=token, day=today
    )
    again, created_again = services.enter(
        event=event, person=insured.person, nickname="あるく", token=token, day=today
    )
    assert created and not created_again and first.pk == again.pk
    assert Entry.objects.count() == 1


def test_only_steps_on_the_event_days_count(rich, insured, today):
    start, end = today - days(10), today - days(1)
    event = make_event(rich, today=today, start_on=start, end_on=end)
    make_entry(event, insured.person, "あるく")
    steps(insured.person, start - days(1), 50000)  # the day before: not counted
    steps(insured.person, start, 1000)  # first day
    steps(insured.person, start + days(3), 20)
    steps(insured.person, end, 300)  # last day
    steps(insured.person, end + days(1), 70000)  # the day after: not counted
    assert queries.step_totals(event) == {insured.person.pk: 1320}


def test_equal_steps_share_a_rank_and_the_next_rank_is_skipped(event, union, today):
    people = [member_of(union, name) for name in ("一", "二", "三", "四", "五")]
    team_a, team_b, team_c = (make_team(event, name) for name in ("A", "B", "C"))
    walked = [9000, 7000, 7000, 5000, 0]
    teams = [team_a, team_b, team_a, team_c, None]
    for person, value, team in zip(people, walked, teams, strict=True):
        make_entry(event, person, person.given_name, team)
        if value:
            steps(person, today, value)
    assert services.refresh_rankings(event=event) == (5, 3)
    ranks = {row.entry.nickname: (row.rank, row.steps) for row in EntryRank.objects.all()}
    assert ranks == {
        "一": (1, 9000),
        "二": (2, 7000),
        "三": (2, 7000),
        "四": (4, 5000),
        "五": (5, 0),
    }
    team_ranks = {
        row.team.name: (row.rank, row.steps, row.members) for row in TeamRank.objects.all()
    }
    assert team_ranks == {"A": (1, 16000, 2), "B": (2, 7000, 1), "C": (3, 5000, 1)}


def test_teams_with_equal_steps_share_a_rank(event, union, today):
    for name in ("A", "B", "C"):
        team = make_team(event, name)
        person = member_of(union, name)
        make_entry(event, person, name, team)
        steps(person, today, 100 if name == "C" else 500)
    services.refresh_rankings(event=event)
    assert {row.team.name: row.rank for row in TeamRank.objects.all()} == {
        "A": 1,
        "B": 1,
        "C": 3,
    }


def test_the_refresh_task_is_idempotent(event, insured, union, today):
    other = member_of(union, "二")
    team = make_team(event)
    make_entry(event, insured.person, "あるく", team)
    make_entry(event, other, "にばん", team)
    steps(insured.person, today, 4000)
    steps(other, today, 6000)
    assert tasks.refresh_rankings.delay().get() == 1
    first = sorted(EntryRank.objects.values_list("entry_id", "steps", "rank"))
    tasks.refresh_rankings.delay().get()
    assert sorted(EntryRank.objects.values_list("entry_id", "steps", "rank")) == first
    assert EntryRank.objects.count() == 2 and TeamRank.objects.count() == 1
    assert TeamRank.objects.get().steps == 10000


def test_the_refresh_task_ranks_no_event_that_has_not_started(rich, insured, today):
    event = make_event(rich, today=today, start_on=today + days(1), end_on=today + days(30))
    make_entry(event, insured.person, "あるく")
    assert tasks.refresh_rankings.delay().get() == 0
    assert not EntryRank.objects.exists()


def test_a_team_takes_members_up_to_its_limit(event, union, today):
    team = make_team(event)
    for name in ("一", "二", "三"):  # team_size is 3
        services.join_team(
            entry=make_entry(event, member_of(union, name), name), team=team, day=today
        )
    late = make_entry(event, member_of(union, "四"), "四")
    with pytest.raises(
        services.WalkingRefused,
        match=r"^このチームは定員\(3人\)に達しているため参加できません。$",
    ):
        services.join_team(entry=late, team=team, day=today)
    assert team.members.count() == 3


def test_a_member_is_in_one_team_at_a_time(event, insured, today):
    entry = make_entry(event, insured.person, "あるく")
    services.create_team(entry=entry, name="チームA", emblem="★", day=today)
    other_team = make_team(event, "チームB")
    entry.refresh_from_db()
    with pytest.raises(services.WalkingRefused, match="^すでにチームに参加しています。$"):
        services.join_team(entry=entry, team=other_team, day=today)


def test_a_member_can_leave_and_join_again(event, insured, union, today):
    team = make_team(event)
    stays = make_entry(event, member_of(union, "残る"), "残る", team)
    entry = make_entry(event, insured.person, "あるく", team)
    services.leave_team(entry=entry, day=today)
    entry.refresh_from_db()
    assert entry.team is None and list(team.members.all()) == [stays]
    services.join_team(entry=entry, team=team, day=today)
    entry.refresh_from_db()
    assert entry.team == team


def test_the_last_member_leaving_removes_the_team(event, insured, today):
    entry = make_entry(event, insured.person, "あるく")
    team = services.create_team(entry=entry, name="ひとり", emblem="★", day=today)
    assert len(team.code) == 8
    entry.refresh_from_db()
    services.leave_team(entry=entry, day=today)
    assert not Team.objects.filter(pk=team.pk).exists()


def test_teams_are_closed_when_the_event_has_no_team_battle(rich, insured, today):
    event = make_event(rich, today=today, team_battle=False)
    entry = make_entry(event, insured.person, "あるく")
    with pytest.raises(
        services.WalkingRefused, match="^このイベントではチーム戦は開催されません。$"
    ):
        services.create_team(entry=entry, name="A", emblem="★", day=today)


def test_stamps_go_to_team_members_only(event, insured, union, today):
    team, other_team = make_team(event, "A"), make_team(event, "B")
    mine = make_entry(event, insured.person, "あるく", team)
    mate = make_entry(event, member_of(union, "仲間"), "仲間", team)
    stranger = make_entry(event, member_of(union, "他人"), "他人", other_team)
    services.send_stamp(sender=mine, recipient=mate, stamp="fight")
    message = "^応援スタンプはチームメンバーにのみ送ることができます。$"
    with pytest.raises(services.WalkingRefused, match=message):
        services.send_stamp(sender=mine, recipient=stranger, stamp="fight")
    with pytest.raises(services.WalkingRefused, match=message):
        services.send_stamp(sender=mine, recipient=mine, stamp="fight")
    assert list(CheerStamp.objects.values_list("recipient__nickname", flat=True)) == ["仲間"]
    assert queries.new_stamp_count(mate) == 1
    services.mark_stamps_seen(entry=mate)
    assert queries.new_stamp_count(mate) == 0


COURSE = [("スタート", "0", 0, 0), ("中間", "7", 100, 0), ("ゴール", "14", 200, 0)]


def test_distance_is_steps_times_stride():
    assert queries.walked_km(10000, Decimal("0.70")) == Decimal("7.00")
    assert queries.walked_km(9999, Decimal("0.70")) == Decimal("6.99")


def test_a_checkpoint_is_reached_at_its_distance_not_a_step_before(rich, today):
    event = make_event(rich, today=today, course=make_course(rich, COURSE))
    before = queries.progress(event, 9999)  # 6.99 km
    assert [p.reached for p in before.points] == [True, False, False]
    assert before.next_point.name == "中間" and before.to_next_km == Decimal("0.01")
    at = queries.progress(event, 10000)  # 7.00 km
    assert [p.reached for p in at.points] == [True, True, False]
    assert (at.marker_x, at.marker_y) == (100, 0)
    half = queries.progress(event, 15000)  # 10.5 km: half way to the goal
    assert half.marker_x == 150 and not half.goal_reached
    goal = queries.progress(event, 20000)
    assert goal.goal_reached and goal.next_point is None and goal.percent == 100
