"""NTC-2 MYメール: one member's inbox, 「要返信」 and the reply form 「送信する」."""

import uuid

import pytest
from django.core import mail

from notices import services
from notices.models import Message, Reply
from notices.services import send_message


def _html(response):
    return response.content.decode()


def _reply(client, message, body="承知しました。", token=None):
    return client.post(
        f"/notices/mail/{message.pk}/", {"body": body, "token": str(token or uuid.uuid4())}
    )


def test_inbox_lists_own_messages_with_unread_and_reply_labels(portal_client, insured):
    send_message(insured.person, "健診のご案内", "本文", sender_label="コスモ健康保険組合")
    send_message(insured.person, "被扶養者資格調査", "ご返信ください。", requires_reply=True)

    html = _html(portal_client.get("/notices/mail/"))

    assert "健診のご案内" in html
    assert "被扶養者資格調査" in html
    assert html.count('class="unread-mark">未読<') == 2
    assert html.count('class="reply-label">要返信<') == 1
    assert "コスモ健康保険組合" in html


def test_opening_a_message_marks_it_read(portal_client, insured):
    message = send_message(insured.person, "健診のご案内", "受診してください。")

    response = portal_client.get(f"/notices/mail/{message.pk}/")

    assert "受診してください。" in _html(response)
    message.refresh_from_db()
    assert message.read_at is not None
    assert 'class="unread-mark"' not in _html(portal_client.get("/notices/mail/"))


@pytest.mark.parametrize("owner", ["dependent", "other_household_member", "other_union_member"])
def test_another_members_message_is_unreachable_by_id(portal_client, owner, request):
    """Even the insured member of the same household cannot open a dependent's MY mail."""
    person = request.getfixturevalue(owner).person
    message = send_message(person, "家族への連絡事項", "秘密の本文", requires_reply=True)

    assert portal_client.get(f"/notices/mail/{message.pk}/").status_code == 404
    assert _reply(portal_client, message).status_code == 404
    assert "家族への連絡事項" not in _html(portal_client.get("/notices/mail/"))
    message.refresh_from_db()
    assert message.read_at is None
    assert not Reply.objects.exists()


def test_dependent_cannot_reach_the_insured_members_message_or_reply(dependent_client, insured):
    message = send_message(insured.person, "本人宛", "本文", requires_reply=True)
    _reply_id = services.reply(message, body="本人の返信", token=uuid.uuid4())[0].pk

    assert dependent_client.get(f"/notices/mail/{message.pk}/").status_code == 404
    assert "本人の返信" not in _html(dependent_client.get("/notices/mail/"))
    assert _reply_id


def test_reply_form_shows_only_on_messages_that_require_a_reply(portal_client, insured):
    plain = send_message(insured.person, "お知らせ", "本文")
    asking = send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)

    assert "送信する" not in _html(portal_client.get(f"/notices/mail/{plain.pk}/"))
    html = _html(portal_client.get(f"/notices/mail/{asking.pk}/"))
    assert "送信する" in html
    assert 'class="reply-label">要返信<' in html

    response = _reply(portal_client, plain)
    assert response.status_code == 400
    assert "このメッセージには返信できません。" in _html(response)
    assert not Reply.objects.exists()


def test_member_replies_and_sees_the_reply(portal_client, insured):
    message = send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)

    response = _reply(portal_client, message, "4月から扶養を外れます。")

    assert response.status_code == 302
    assert response.url == f"/notices/mail/{message.pk}/"
    page = _html(portal_client.get(response.url))
    assert "返信を送信しました。" in page
    assert "4月から扶養を外れます。" in page
    reply = Reply.objects.get()
    assert (reply.message, reply.body) == (message, "4月から扶養を外れます。")


def test_a_replied_message_shows_replied_instead_of_reply_needed(portal_client, insured):
    answered = send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)
    waiting = send_message(insured.person, "もう一つのお願い", "本文", requires_reply=True)

    _reply(portal_client, answered, "4月から扶養を外れます。")

    inbox = _html(portal_client.get("/notices/mail/"))
    assert inbox.count('class="reply-label reply-label--done">返信済み<') == 1
    assert inbox.count('class="reply-label">要返信<') == 1
    assert inbox.index("返信済み") < inbox.index("ご回答のお願い")  # the answered one's label
    detail = _html(portal_client.get(f"/notices/mail/{answered.pk}/"))
    assert ">返信済み<" in detail and ">要返信<" not in detail
    assert ">要返信<" in _html(portal_client.get(f"/notices/mail/{waiting.pk}/"))


def test_submitting_the_same_reply_form_twice_creates_one_reply(portal_client, insured):
    message = send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)
    token = uuid.uuid4()

    first = _reply(portal_client, message, "一度だけ", token)
    second = _reply(portal_client, message, "一度だけ", token)

    assert first.status_code == second.status_code == 302
    assert Reply.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "返信内容を入力してください。"),
        ("   \n ", "返信内容を入力してください。"),
        ("あ" * 2001, "返信内容は2000文字以内で入力してください。"),
    ],
)
def test_invalid_reply_is_refused_with_a_message_and_keeps_the_text(
    portal_client, insured, body, error
):
    message = send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)

    response = _reply(portal_client, message, body)

    assert response.status_code == 400
    assert error in _html(response)
    assert "入力内容をご確認ください。" in _html(response)
    if body.strip():
        assert body in _html(response)
    assert not Reply.objects.exists()


def test_replies_are_rate_limited(portal_client, insured):
    message = send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)
    for n in range(services.REPLY_LIMIT):
        assert _reply(portal_client, message, f"返信{n}").status_code == 302

    response = _reply(portal_client, message, "もう一通")

    assert response.status_code == 400
    assert "短時間に多くの返信が送信されました。しばらくしてから送信してください。" in _html(
        response
    )
    assert "もう一通" in _html(response)
    assert Reply.objects.count() == services.REPLY_LIMIT


def test_a_message_without_reply_form_post_is_not_marked_by_a_post(portal_client, insured):
    message = send_message(insured.person, "ご回答のお願い", "本文", requires_reply=True)
    response = portal_client.post(f"/notices/mail/{message.pk}/", {"body": "x"})
    assert response.status_code == 400  # the form's token is missing
    assert not Reply.objects.exists()


def test_inbox_queries_stay_constant_with_more_messages(portal_client, insured, count_queries):
    for n in range(3):
        send_message(insured.person, f"件名{n}", "本文")
    portal_client.get("/notices/mail/")
    total, own = count_queries(lambda: portal_client.get("/notices/mail/"))
    assert own == 2  # count, page
    for n in range(40):
        send_message(insured.person, f"追加{n}", "本文", requires_reply=True)
    portal_client.get("/notices/mail/")
    assert count_queries(lambda: portal_client.get("/notices/mail/?page=2")) == (total, 2)


def test_arrival_mail_names_no_content(insured, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_message(insured.person, "ご回答のお願い", "機微な本文", requires_reply=True)
    [sent] = mail.outbox
    assert "機微な本文" not in sent.body
    assert "要返信" in sent.body
    assert Message.objects.count() == 1
