"""Arrival e-mails for news and broadcast MY mail, sent in batches.

Each run takes one batch under a row lock, queues its e-mails (`kosmo.mail`, one delivery
task each) and moves the cursor in the same transaction, then queues the next batch: a
repeated or interrupted task resumes after the last member it handled and mails no one twice.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kosmo.mail import send_templated_mail
from notices import services
from notices.models import Broadcast, Message, Notice

BATCH_SIZE = 200


@shared_task
def email_broadcast(broadcast_id: int) -> int:
    """Mail the next batch of a broadcast's recipients who opted in; returns how many."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
        if broadcast is None or broadcast.sent_at is None or broadcast.emailed_at is not None:
            return 0
        messages = list(
            Message.objects.filter(broadcast=broadcast, pk__gt=broadcast.email_cursor)
            .select_related("union", "recipient__account__email_preference")
            .order_by("pk")[:BATCH_SIZE]
        )
        sent = 0
        for message in messages:
            user = getattr(message.recipient, "account", None)
            sent += services.queue_message_email(message, user) if user else 0
        if len(messages) < BATCH_SIZE:
            broadcast.emailed_at = timezone.now()
        if messages:
            broadcast.email_cursor = messages[-1].pk
        broadcast.save(update_fields=["email_cursor", "emailed_at"])
        if broadcast.emailed_at is None:
            transaction.on_commit(lambda: email_broadcast.delay(broadcast_id))
    return sent


@shared_task
def email_notice(notice_id: int) -> int:
    """Mail the next batch of members who opted in to news about a published notice."""
    from accounts.models import User

    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .published()
            .filter(pk=notice_id, send_email=True, emailed_at__isnull=True)
            .first()
        )
        if notice is None:  # gone, unpublished, not yet published, or done
            return 0
        users = (
            User.objects.filter(person__isnull=False, pk__gt=notice.email_cursor)
            .filter(Q(email_preference__isnull=True) | Q(email_preference__news=True))
            # the mail greets each member by name (display_name reads the person)
            .select_related("email_preference", "union", "person")
            .order_by("pk")
        )
        if notice.union_id is not None:
            users = users.filter(union_id=notice.union_id)
        batch = list(users[:BATCH_SIZE])
        sent = 0
        for user in batch:
            if services.wants_email(user, "news"):
                send_templated_mail(
                    to=[user.email],
                    template="notices/email/notice_published",
                    context={"notice": notice, "user": user},
                    union=user.union,
                )
                sent += 1
        if batch:
            notice.email_cursor = batch[-1].pk
        if len(batch) < BATCH_SIZE:
            notice.emailed_at = timezone.now()
        notice.save(update_fields=["email_cursor", "emailed_at"])
        if notice.emailed_at is None:
            transaction.on_commit(lambda: email_notice.delay(notice_id))
    return sent


@shared_task
def queue_due_notice_emails() -> int:
    """Safety net for the beat schedule: start the e-mail of every published notice whose
    e-mail has not gone out (e.g. a lost delayed task)."""
    due = list(
        Notice.objects.published()
        .filter(send_email=True, emailed_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for pk in due:
        email_notice.delay(pk)
    return len(due)
