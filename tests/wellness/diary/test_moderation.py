"""Staff moderation of 健康日記 in admin, scoped to the union, through the 組合スタッフ role:
the reports queue, hiding and deleting posts (the member is told in MY mail), restricting a
member after repeated violations, an audit row for every action."""

import re

from django.contrib.auth.models import Group

from accounts.roles import CLERK, sync_roles
from notices.models import Message
from tests.factories import StaffFactory, staff_login
from tests.wellness.diary.conftest import join, make_post
from wellness.diary import services
from wellness.diary.models import DiaryPost, ModerationAction, Participant, Report

TOP = "/wellness/diary/"
ADMIN = "/admin/wellness_diary/"


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _clerk(client, staff):
    sync_roles()
    staff.groups.add(Group.objects.get(name=CLERK))
    return staff_login(client, staff)


def _action(clerk, model: str, action: str, *pks):
    return clerk.post(
        f"{ADMIN}{model}/",
        {"action": action, "_selected_action": [str(pk) for pk in pks], "index": "0"},
    )


def test_clerk_moderates_but_never_writes_members_likes_blocks_or_the_audit_trail(db):
    sync_roles()
    codenames = set(
        Group.objects.get(name=CLERK)
        .permissions.filter(content_type__app_label="wellness_diary")
        .values_list("codename", flat=True)
    )

    assert {"view_report", "change_report", "change_diarypost", "delete_diarypost"} <= codenames
    assert {"change_participant", "view_moderationaction"} <= codenames
    assert not {"add_diarypost", "add_report", "add_like", "change_like", "add_block"} & codenames
    assert not {"change_moderationaction", "delete_moderationaction"} & codenames


def test_the_reports_queue_shows_the_unions_reports_only(
    client, staff, taro, ken, other_union_member
):
    post = make_post(ken.person, body="怪しい宣伝です")
    services.report(reporter=taro.person, post=post, reason="spam")
    join(other_union_member.person, "よそのひと")
    elsewhere = make_post(other_union_member.person, body="よその組合の投稿")
    Report.objects.create(
        union=elsewhere.union, post=elsewhere, reporter=other_union_member.person, reason="other"
    )
    clerk = _clerk(client, staff)

    queue = _html(clerk.get(f"{ADMIN}report/?state=open"))

    assert "怪しい宣伝です" in queue and "宣伝・勧誘・スパム" in queue
    assert "よその組合の投稿" not in queue
    assert clerk.get(f"{ADMIN}diarypost/{elsewhere.pk}/change/").status_code == 302


def test_staff_hide_a_reported_post_the_member_is_told_and_it_leaves_the_feed(
    client, staff, taro, ken
):
    post = make_post(ken.person, body="ひどい悪口")
    report = services.report(reporter=taro.person, post=post, reason="abuse")
    clerk = _clerk(client, staff)

    _action(clerk, "report", "hide_reported", report.pk)

    post.refresh_from_db()
    assert post.hidden_at is not None
    report.refresh_from_db()
    assert report.handled_at is not None
    message = Message.objects.get(recipient=ken.person)
    assert message.subject == "健康日記の投稿を非表示にしました"
    assert "ひどい悪口" in message.body
    audit = ModerationAction.objects.get()
    assert (audit.action, audit.staff, audit.member, audit.post_id_value) == (
        "hide",
        staff,
        ken.person,
        post.pk,
    )
    client.logout()
    client.force_login(taro)
    assert "ひどい悪口" not in _html(client.get(TOP))


def test_staff_delete_a_post_with_an_audit_row_and_a_message(client, staff, ken):
    post = make_post(ken.person, body="消される投稿")
    clerk = _clerk(client, staff)

    _action(clerk, "diarypost", "delete_posts", post.pk)

    assert not DiaryPost.objects.filter(pk=post.pk).exists()
    assert ModerationAction.objects.get().action == "delete"
    assert ModerationAction.objects.get().excerpt == "消される投稿"
    assert Message.objects.get(recipient=ken.person).subject == "健康日記の投稿を削除しました"


def test_the_third_violation_restricts_the_member_who_is_told_why(client, staff, ken):
    assert services.RESTRICT_AFTER_VIOLATIONS == 3
    posts = [make_post(ken.person, body=f"違反{n}") for n in range(3)]
    clerk = _clerk(client, staff)

    _action(clerk, "diarypost", "hide_posts", posts[0].pk, posts[1].pk)
    participant = Participant.objects.get(person=ken.person)
    assert participant.violations == 2 and not participant.is_restricted

    _action(clerk, "diarypost", "hide_posts", posts[2].pk)

    participant.refresh_from_db()
    assert participant.is_restricted
    assert Message.objects.filter(
        recipient=ken.person, subject="健康日記の投稿を制限しました"
    ).exists()
    assert ModerationAction.objects.filter(action="restrict", member=ken.person).count() == 1
    client.logout()
    client.force_login(ken)
    page = client.get(TOP + "post/")
    assert page.status_code == 403
    assert "不適切な投稿が繰り返されたため、投稿を制限しています。" in _html(page)


def test_staff_restrict_and_lift_by_hand(client, staff, ken):
    clerk = _clerk(client, staff)
    participant = Participant.objects.get(person=ken.person)

    _action(clerk, "participant", "restrict", participant.pk)
    participant.refresh_from_db()
    assert participant.is_restricted
    _action(clerk, "participant", "lift", participant.pk)
    participant.refresh_from_db()

    assert not participant.is_restricted
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("pk")) == [
        "restrict",
        "lift",
    ]


def test_staff_of_another_union_cannot_act_on_the_post(client, taro, ken, other_union_member):
    post = make_post(ken.person, body="守られる投稿")
    outsider = StaffFactory(username="staff_other", union=other_union_member.person.household.union)
    clerk = _clerk(client, outsider)

    _action(clerk, "diarypost", "hide_posts", post.pk)

    post.refresh_from_db()
    assert post.hidden_at is None
    assert not ModerationAction.objects.exists()
