"""Staff set their union's missions, prizes, ranks and bonus missions through the 組合スタッフ
role; the members' activities, draws and cards (the hidden layout) are not theirs."""

from django.contrib.auth.models import Group

from accounts.roles import CLERK, sync_roles
from tests.factories import staff_login
from wellness.missions.models import DailyMission, Prize


def _clerk_client(client, staff):
    sync_roles()
    staff.groups.add(Group.objects.get(name=CLERK))
    return staff_login(client, staff)


def test_clerk_role_sets_missions_but_not_the_members_rows(db):
    sync_roles()
    codenames = set(
        Group.objects.get(name=CLERK)
        .permissions.filter(content_type__app_label="wellness_missions")
        .values_list("codename", flat=True)
    )

    for model in ("dailymission", "prize", "rankthreshold", "bonusmission"):
        assert {f"add_{model}", f"change_{model}", f"delete_{model}", f"view_{model}"} <= codenames
    for model in ("activity", "dailyclear", "lotterydraw", "monthlyrank", "bonusclear"):
        assert not {f"add_{model}", f"change_{model}", f"delete_{model}"} & codenames
    assert not {"view_scratchcard", "change_scratchcard"} & codenames


def test_clerk_adds_a_daily_mission_for_their_own_union(client, staff, rich):
    clerk = _clerk_client(client, staff)

    response = clerk.post(
        "/admin/wellness_missions/dailymission/add/",
        {"title": "体重を記録する", "action": "weight", "threshold": "0", "points": "2",
         "published": "on", "order": "0"},
    )  # fmt: skip

    assert response.status_code == 302
    mission = DailyMission.objects.get()
    assert (mission.union, mission.title, mission.points) == (rich, "体重を記録する", 2)


def test_clerk_sees_only_their_own_unions_odds(client, staff, rich, rich_union):
    Prize.objects.create(union=rich, game="lottery", name="1等", points=10, weight=1)
    Prize.objects.create(union=rich_union, game="lottery", name="よその1等", points=99, weight=1)
    foreign = Prize.objects.get(name="よその1等")
    clerk = _clerk_client(client, staff)

    listing = clerk.get("/admin/wellness_missions/prize/").content.decode()

    assert "1等" in listing
    assert "よその1等" not in listing
    assert clerk.get(f"/admin/wellness_missions/prize/{foreign.pk}/change/").status_code in (
        302,
        404,
    )


def test_a_second_mission_of_the_same_title_is_refused_in_japanese(client, staff, rich):
    DailyMission.objects.create(union=rich, title="体重を記録する", action="weight")
    clerk = _clerk_client(client, staff)

    response = clerk.post(
        "/admin/wellness_missions/dailymission/add/",
        {"title": "体重を記録する", "action": "weight", "threshold": "0", "points": "1",
         "published": "on", "order": "1"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "同じ内容がすでに登録されています。" in response.content.decode()
    assert DailyMission.objects.count() == 1


def test_clerk_sets_the_unions_rank_threshold(client, staff, rich):
    clerk = _clerk_client(client, staff)

    response = clerk.post(
        "/admin/wellness_missions/rankthreshold/add/", {"rank": "gold", "min_days": "12"}
    )

    assert response.status_code == 302
    from wellness.missions import queries

    assert queries.rank_thresholds(rich)["gold"] == 12
