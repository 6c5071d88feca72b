"""Staff screens for 歩Fes.: the 組合スタッフ group sets events and courses of its own union and
corrects entries (each change audited); stamps, snapshots and the audit trail are not theirs."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import CLERK
from tests import factories
from tests.wellness.walking.conftest import make_entry, make_event, make_team, member_of
from wellness.walking.models import Entry, StaffAction, WalkingEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, staff):
    staff.groups.add(Group.objects.get(name=CLERK))
    return factories.staff_login(client, staff)


def test_clerk_group_sets_events_and_entries_but_not_stamps_ranks_or_the_audit(staff):
    staff.groups.add(Group.objects.get(name=CLERK))
    for codename in (
        "add_walkingevent",
        "change_walkingevent",
        "add_course",
        "add_checkpoint",
        "change_entry",
        "delete_entry",
        "change_team",
        "view_staffaction",
    ):
        assert staff.has_perm(f"wellness_walking.{codename}"), codename
    for codename in (
        "add_entry",
        "add_cheerstamp",
        "view_cheerstamp",
        "change_entryrank",
        "add_teamrank",
        "add_staffaction",
        "delete_staffaction",
    ):
        assert not staff.has_perm(f"wellness_walking.{codename}"), codename


def test_clerk_adds_an_event_for_their_own_union(clerk_client, union, today):
    response = clerk_client.post(
        "/admin/wellness_walking/walkingevent/add/",
        {
            "title": "歩Fes. 夏",
            "entry_start": today.isoformat(),
            "entry_end": today.isoformat(),
            "start_on": today.isoformat(),
            "end_on": today.isoformat(),
            "team_battle": "on",
            "team_size": "5",
            "stride_m": "0.70",
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert WalkingEvent.objects.get().union == union


def test_clerk_changes_and_deletes_an_entry_with_audit_rows(clerk_client, union, staff, today):
    event = make_event(union, today=today, title="歩Fes. 監査")
    team = make_team(event)
    entry = make_entry(event, member_of(union), "ふてきせつ", team)
    response = clerk_client.post(
        f"/admin/wellness_walking/entry/{entry.pk}/change/",
        {"nickname": "なおした", "team": team.pk},
    )
    assert response.status_code == 302, response.content.decode()
    assert Entry.objects.get().nickname == "なおした"
    clerk_client.post(f"/admin/wellness_walking/entry/{entry.pk}/delete/", {"post": "yes"})
    assert not Entry.objects.exists()
    rows = list(
        StaffAction.objects.order_by("pk").values_list(
            "staff", "action", "event_title", "nickname", "changed_fields"
        )
    )
    assert rows == [
        (staff.pk, "changed", "歩Fes. 監査", "なおした", "nickname"),
        (staff.pk, "deleted", "歩Fes. 監査", "なおした", ""),
    ]
    assert all(row.union == union for row in StaffAction.objects.all())


def test_clerk_sees_only_their_unions_entries(clerk_client, union, other_union_member, today):
    make_entry(make_event(union, today=today), member_of(union), "うちの人")
    other_event = make_event(
        other_union_member.person.household.union, today=today, title="よその歩Fes."
    )
    theirs = make_entry(other_event, other_union_member.person, "よその人")
    page = clerk_client.get("/admin/wellness_walking/entry/").content.decode()
    assert "うちの人" in page and "よその人" not in page
    response = clerk_client.get(f"/admin/wellness_walking/entry/{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "no such entry" (outside the scope)
    events = clerk_client.get("/admin/wellness_walking/walkingevent/").content.decode()
    assert "歩Fes. テスト" in events and "よその歩Fes." not in events
    assert not StaffAction.objects.exists()
