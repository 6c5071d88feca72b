"""Write side of お知らせ, MYメール, 個人設定 and 通知設定.

`send_message` is the public entry other apps use (dependents → MY mail, points → gifts).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kosmo.mail import send_templated_mail
from kosmo.models import Person
from notices import queries, unread
from notices.models import Broadcast, EmailPreference, Message, Notice, NoticeRead, Reply

if TYPE_CHECKING:
    from accounts.models import User

# A member may send this many replies in REPLY_WINDOW (all messages together).
REPLY_LIMIT = 5
REPLY_WINDOW = timedelta(minutes=10)
REPLY_MAX_LENGTH = 2000


class ReplyRefused(Exception):
    """The reply cannot be taken; the message says why, in the manual's tone."""


def wants_email(user: User | None, kind: str) -> bool:
    """Whether an account receives the `kind` ("news" or "my_mail") e-mail: an active member
    account with an address, not opted out."""
    if user is None or not user.is_active or not user.email:
        return False
    return getattr(queries.email_preference_of(user), kind)


def _account_of(person: Person) -> User | None:
    from accounts.models import User

    return User.objects.filter(person=person).select_related("email_preference").first()


def queue_message_email(message: Message, user: User | None = None) -> bool:
    """Queue the 「MYメールが届きました」 e-mail to the recipient's account if it opted in.
    The mail names no content of the message: members read it in the portal."""
    user = user if user is not None else _account_of(message.recipient)
    if not wants_email(user, "my_mail"):
        return False
    send_templated_mail(
        to=[user.email],
        template="notices/email/message_arrived",
        context={"message": message, "user": user},
        union=message.union,
    )
    return True


def send_message(
    recipient: Person,
    subject: str,
    body: str,
    *,
    requires_reply: bool = False,
    sender_label: str = "",
) -> Message:
    """Deliver a MY mail message to one Person (kosmo.models.Person) of a union, and queue the
    arrival e-mail if that person's account opted in. Call inside the caller's transaction."""
    union_id = recipient.household.union_id
    message = Message.objects.create(
        union_id=union_id,
        recipient=recipient,
        subject=subject,
        body=body,
        requires_reply=requires_reply,
        sender_label=sender_label,
    )
    queue_message_email(message)
    unread.bump_person(recipient.pk)
    return message


BROADCAST_CHUNK = 1000


@transaction.atomic
def send_broadcast(broadcast: Broadcast, *, sent_by: User | None = None) -> int:
    """Deliver a broadcast to exactly the members of its segment today; the arrival e-mails
    follow in batches (`notices.tasks.email_broadcast`). Sending twice delivers nothing new.
    Returns the number of messages delivered."""
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if broadcast.sent_at is not None:
        return 0
    now = timezone.now()
    recipients = broadcast.recipients(timezone.localdate(now)).values_list("pk", flat=True)
    batch: list[Message] = []
    count = 0
    for person_id in recipients.iterator(chunk_size=BROADCAST_CHUNK):
        batch.append(
            Message(
                union_id=broadcast.union_id,
                recipient_id=person_id,
                broadcast=broadcast,
                subject=broadcast.subject,
                body=broadcast.body,
                requires_reply=broadcast.requires_reply,
                sender_label=broadcast.sender_label,
                sent_at=now,
            )
        )
        if len(batch) == BROADCAST_CHUNK:
            Message.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Message.objects.bulk_create(batch)
    count += len(batch)
    broadcast.sent_at = now
    broadcast.sent_by = sent_by
    broadcast.recipient_count = count
    broadcast.save(update_fields=["sent_at", "sent_by", "recipient_count"])

    from notices.tasks import email_broadcast

    unread.bump_union(broadcast.union_id)
    transaction.on_commit(lambda: email_broadcast.delay(broadcast.pk))
    return count


def notice_saved(notice: Notice) -> None:
    """After staff add or change a notice: counts refresh, and its e-mail is queued for the
    moment it is published (a task that runs early finds it unpublished and does nothing)."""
    if notice.union_id is None:
        unread.bump_global()
    else:
        unread.bump_union(notice.union_id)
    if notice.send_email and notice.emailed_at is None:
        from notices.tasks import email_notice

        eta = notice.publish_from if notice.publish_from > timezone.now() else None
        transaction.on_commit(lambda: email_notice.apply_async((notice.pk,), eta=eta))


def mark_notice_read(notice: Notice, person: Person) -> None:
    _, created = NoticeRead.objects.get_or_create(notice=notice, person=person)
    if created:
        unread.bump_person(person.pk)


def mark_message_read(message: Message) -> None:
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
        unread.bump_person(message.recipient_id)


@transaction.atomic
def reply(message: Message, *, body: str, token: uuid.UUID) -> tuple[Reply, bool]:
    """Store a member's reply to a 「要返信」 message. The same form (token) sent again
    returns the first reply instead of a second one. Returns (reply, created)."""
    # One reply at a time per member, so parallel submits cannot all pass the limit below.
    Person.objects.select_for_update().filter(pk=message.recipient_id).values("pk").first()
    existing = Reply.objects.filter(message=message, token=token).first()
    if existing is not None:
        return existing, False
    if not message.requires_reply:
        raise ReplyRefused(_("このメッセージには返信できません。"))
    since = timezone.now() - REPLY_WINDOW
    recent = Reply.objects.filter(
        message__recipient_id=message.recipient_id, created_at__gte=since
    ).count()
    if recent >= REPLY_LIMIT:
        raise ReplyRefused(
            _("短時間に多くの返信が送信されました。しばらくしてから送信してください。")
        )
    try:
        with transaction.atomic():
            return Reply.objects.create(message=message, body=body, token=token), True
    except IntegrityError:  # the same form submitted twice at once
        return Reply.objects.get(message=message, token=token), False


def set_email_preferences(user: User, *, news: bool, my_mail: bool) -> EmailPreference:
    preference, _ = EmailPreference.objects.update_or_create(
        user=user, defaults={"news": news, "my_mail": my_mail}
    )
    return preference
