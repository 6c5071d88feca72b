"""Staff manage their union's stages and preset challenges through the 組合スタッフ role;
the members' own challenges and ○/× are not theirs to write."""

from django.contrib.auth.models import Group

from accounts.roles import CLERK, sync_roles
from tests.factories import staff_login
from tests.wellness.challenges.factories import PresetChallengeFactory, StageFactory
from wellness.challenges.models import PresetChallenge, Stage


def _clerk_client(client, staff):
    sync_roles()
    staff.groups.add(Group.objects.get(name=CLERK))
    return staff_login(client, staff)


def test_clerk_role_manages_presets_but_not_members_challenges(db):
    sync_roles()
    codenames = set(
        Group.objects.get(name=CLERK)
        .permissions.filter(content_type__app_label="wellness_challenges")
        .values_list("codename", flat=True)
    )

    assert {"add_stage", "change_stage", "delete_stage", "view_stage"} <= codenames
    assert {"add_presetchallenge", "change_presetchallenge", "delete_presetchallenge"} <= codenames
    assert not {"add_challenge", "change_challenge", "delete_challenge"} & codenames
    assert not {"add_challengeday", "change_challengeday", "delete_challengeday"} & codenames


def test_clerk_adds_a_stage_with_its_challenges_for_their_own_union(client, staff, union):
    clerk = _clerk_client(client, staff)

    response = clerk.post(
        "/admin/wellness_challenges/stage/add/",
        {
            "name": "ステージ1 まずはここから",
            "description": "",
            "published": "on",
            "order": "0",
            "presets-TOTAL_FORMS": "1",
            "presets-INITIAL_FORMS": "0",
            "presets-MIN_NUM_FORMS": "0",
            "presets-MAX_NUM_FORMS": "1000",
            "presets-0-title": "1日8,000歩歩く",
            "presets-0-description": "",
            "presets-0-published": "on",
            "presets-0-order": "0",
        },
    )

    assert response.status_code == 302
    stage = Stage.objects.get()
    assert stage.union == union
    assert list(PresetChallenge.objects.values_list("stage", "title")) == [
        (stage.pk, "1日8,000歩歩く")
    ]


def test_clerk_sees_only_their_unions_stages_and_presets(client, staff, union):
    own = PresetChallengeFactory(stage=StageFactory(union=union, name="自組合のステージ"))
    other = PresetChallengeFactory(stage=StageFactory(name="よそのステージ"), title="よその")
    clerk = _clerk_client(client, staff)

    stages = clerk.get("/admin/wellness_challenges/stage/").content.decode()
    presets = clerk.get("/admin/wellness_challenges/presetchallenge/").content.decode()

    assert "自組合のステージ" in stages and "よそのステージ" not in stages
    assert own.title in presets and "よその" not in presets
    other_page = clerk.get(f"/admin/wellness_challenges/stage/{other.stage.pk}/change/")
    assert other_page.status_code == 302  # the admin's answer for a row it cannot find
