"""notices.services.send_message: the entry other apps deliver MY mail through."""

from django.core import mail

from notices.models import EmailPreference, Message
from notices.services import send_message


def test_send_message_delivers_to_one_person_and_mails_the_account(
    insured, django_capture_on_commit_callbacks
):
    person = insured.person
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message(
            person,
            "被扶養者資格調査のお願い",
            "調査票をご提出ください。",
            requires_reply=True,
            sender_label="健保組合",
        )
    assert Message.objects.get() == message
    assert (message.recipient, message.union, message.requires_reply, message.sender_label) == (
        person,
        person.household.union,
        True,
        "健保組合",
    )
    assert message.read_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [insured.email]
    assert "MYメールが届きました" in mail.outbox[0].subject
    assert "調査票をご提出ください" not in mail.outbox[0].body


def test_send_message_respects_the_opt_out(insured, django_capture_on_commit_callbacks):
    EmailPreference.objects.create(user=insured, my_mail=False)
    with django_capture_on_commit_callbacks(execute=True):
        send_message(insured.person, "件名", "本文")
    assert Message.objects.count() == 1
    assert mail.outbox == []


def test_send_message_to_a_person_without_account_sends_no_mail(
    child, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message(child, "件名", "本文")
    assert message.recipient == child
    assert mail.outbox == []
