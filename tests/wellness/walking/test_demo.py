"""seed_demo makes 歩Fes. alive on the rich demo union (an event under way with teams and a
ranking that adds up, one taking entries so the TOP banner shows) and absent on sakura."""

import os

import pytest
from django.core.management import call_command

from kosmo.models import Union
from wellness.walking import demo as walking_demo
from wellness.walking import queries
from wellness.walking.models import Course, Entry, EntryRank, TeamRank, WalkingEvent


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {union.slug: union for union in Union.objects.all()}


def test_rich_demo_union_has_an_event_under_way_with_teams_and_rankings(demo):
    kosmo = demo["kosmo"]
    today = queries.today()
    active = WalkingEvent.objects.get(union=kosmo, title=walking_demo.ACTIVE)
    assert active.running(today) and not active.entry_open(today)
    entries = Entry.objects.filter(event=active)
    assert entries.count() == 4 and entries.filter(team__isnull=True).count() == 0
    ranks = list(EntryRank.objects.filter(event=active).order_by("rank"))
    assert len(ranks) == 4 and ranks[0].rank == 1 and ranks[0].steps > 0
    totals = queries.step_totals(active)
    assert {rank.entry.person_id: rank.steps for rank in ranks} == totals
    teams = TeamRank.objects.filter(event=active)
    assert teams.count() == 2
    assert sum(team.steps for team in teams) == sum(totals.values())
    assert [event.title for event in queries.entry_open_events(kosmo, today)] == [
        walking_demo.UPCOMING
    ]


def test_seeding_twice_adds_nothing(demo):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert WalkingEvent.objects.filter(union=demo["kosmo"]).count() == 2
    assert Entry.objects.count() == 4 and Course.objects.count() == 1


def test_standard_demo_union_has_no_walking_event(demo):
    sakura = demo["sakura"]
    assert not sakura.has_feature("walking")
    assert not WalkingEvent.objects.filter(union=sakura).exists()
    assert not Course.objects.filter(union=sakura).exists()
