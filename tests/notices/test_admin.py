"""Staff write MY mail (one member or a segment), read replies and edit help, in admin:
always within their own union."""

import uuid

from django.core import mail

from notices import services
from notices.models import Broadcast, FaqCategory, Message, Notice, Reply
from tests import factories

MESSAGES = "/admin/notices/message/"
BROADCASTS = "/admin/notices/broadcast/"
REPLIES = "/admin/notices/reply/"
NOTICES = "/admin/notices/notice/"


def _act(client, url, action, *objects):
    return client.post(
        url,
        {
            "action": action,
            "_selected_action": [str(obj.pk) for obj in objects],
            "index": "0",
            "select_across": "0",
        },
    )


def test_staff_send_a_message_to_one_member_who_is_mailed(
    staff_client, insured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"{MESSAGES}add/",
            {
                "recipient": insured.person.pk,
                "subject": "書類のご提出のお願い",
                "body": "健保組合まで書類をご提出ください。",
                "requires_reply": "on",
                "sender_label": "適用担当",
            },
        )

    assert response.status_code == 302, response.content.decode()[:3000]
    message = Message.objects.get()
    assert (message.recipient, message.requires_reply, message.sender_label) == (
        insured.person,
        True,
        "適用担当",
    )
    assert [m.to for m in mail.outbox] == [[insured.email]]


def test_staff_cannot_send_to_another_unions_member(staff_client, other_union_member):
    response = staff_client.post(
        f"{MESSAGES}add/",
        {"recipient": other_union_member.person.pk, "subject": "件名", "body": "本文"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Message.objects.exists()


def test_staff_read_replies_of_their_union_only(staff_client, insured, other_union_member):
    mine = services.send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)
    services.reply(mine, body="扶養から外れます。", token=uuid.uuid4())
    foreign = services.send_message(other_union_member.person, "よそ", "本文", requires_reply=True)
    foreign_reply, _ = services.reply(foreign, body="よその返信", token=uuid.uuid4())

    listing = staff_client.get(REPLIES).content.decode()
    assert "ご回答のお願い" in listing
    assert "よそ" not in listing
    detail = staff_client.get(f"{MESSAGES}{mine.pk}/change/").content.decode()
    assert "扶養から外れます。" in detail
    reply = Reply.objects.get(message=mine)
    assert "扶養から外れます。" in staff_client.get(f"{REPLIES}{reply.pk}/change/").content.decode()
    reply.refresh_from_db()
    assert reply.staff_read_at is not None
    assert staff_client.get(f"{REPLIES}{foreign_reply.pk}/change/").status_code == 302
    assert staff_client.get(f"{MESSAGES}{foreign.pk}/change/").status_code == 302


def test_staff_send_a_broadcast_to_a_segment_once(
    staff_client, union, insured, dependent, other_union_member, django_capture_on_commit_callbacks
):
    response = staff_client.post(
        f"{BROADCASTS}add/",
        {"subject": "被保険者の皆さまへ", "body": "本文", "role": "insured", "sender_label": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    broadcast = Broadcast.objects.get()
    assert broadcast.union == union

    with django_capture_on_commit_callbacks(execute=True):
        _act(staff_client, BROADCASTS, "send", broadcast)
        _act(staff_client, BROADCASTS, "send", broadcast)

    assert list(Message.objects.values_list("recipient_id", flat=True)) == [insured.person.pk]
    assert [m.to for m in mail.outbox] == [[insured.email]]
    page = staff_client.get(f"{BROADCASTS}{broadcast.pk}/change/").content.decode()
    assert "被保険者のみ" in page
    assert (
        staff_client.post(f"{BROADCASTS}{broadcast.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Message.objects.count() == 1


def test_staff_notices_belong_to_their_union(staff_client, union, other_union_member):
    response = staff_client.post(
        f"{NOTICES}add/",
        {
            "category": "news",
            "title": "組合からのお知らせ",
            "body": "本文",
            "publish_from_0": "2026-01-01",
            "publish_from_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Notice.objects.get().union == union
    foreign = Notice.objects.create(union=other_union_member.union, title="よそ", body="x")
    assert staff_client.get(f"{NOTICES}{foreign.pk}/change/").status_code == 302


def test_staff_add_their_own_faq_category(staff_client, union):
    response = staff_client.post(
        "/admin/notices/faqcategory/add/",
        {
            "key": "points",
            "title": "ポイントについて",
            "order": "2",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-order": "1",
            "questions-0-question": "ポイントの有効期限は？",
            "questions-0-answer": "2年です。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    category = FaqCategory.objects.get(key="points")
    assert category.union == union
    assert category.questions.get().question == "ポイントの有効期限は？"
    # the global login FAQ is the superuser's, not editable by union staff
    login = FaqCategory.objects.get(key="login", union=None)
    assert staff_client.get(f"/admin/notices/faqcategory/{login.pk}/change/").status_code == 302


def test_superuser_publishes_a_service_notice_for_every_union(client, union):
    admin = factories.StaffFactory(username="kosmo_root", union=None, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        f"{NOTICES}add/",
        {
            "category": "service",
            "title": "メンテナンスのお知らせ",
            "body": "本文",
            "publish_from_0": "2026-01-01",
            "publish_from_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Notice.objects.get().union is None


def test_notices_deleted_from_the_list_leave_the_members_unread_count(staff_client, union, insured):
    from notices.unread import unread_counts

    notices = [Notice.objects.create(union=union, title=f"お知らせ{n}", body="x") for n in range(2)]
    assert unread_counts(insured.person.pk, union.pk).news == 2  # cached

    response = staff_client.post(
        NOTICES,
        {
            "action": "delete_selected",
            "_selected_action": [str(notice.pk) for notice in notices],
            "index": "0",
            "select_across": "0",
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Notice.objects.exists()
    assert unread_counts(insured.person.pk, union.pk).news == 0


def test_staff_who_may_only_view_broadcasts_cannot_send_them(client, staff, union, insured):
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(Permission.objects.filter(codename="view_broadcast"))
    client.force_login(staff)
    broadcast = Broadcast.objects.create(union=union, subject="件名", body="本文", role="insured")

    _act(client, BROADCASTS, "send", broadcast)

    assert not Message.objects.exists()
    broadcast.refresh_from_db()
    assert broadcast.sent_at is None
