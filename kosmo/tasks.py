import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kosmo.models import OutboundEmail


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=8,
)
def deliver_email(email_id: int) -> str:
    """Send one queued e-mail; a message already sent is not sent again.

    The row stays locked while the message is handed to the mail server, so two deliveries
    of the same task never both send it.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.state == OutboundEmail.State.SENT:
            return "already sent"
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
            to=email.to,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as error:
            failure = error
        else:
            email.state = OutboundEmail.State.SENT
            email.sent_at = timezone.now()
            email.attempts += 1
            email.body_text = email.body_html = email.last_error = ""
            email.save()
            return "sent"
    OutboundEmail.objects.filter(pk=email_id).update(
        state=OutboundEmail.State.FAILED,
        attempts=F("attempts") + 1,
        last_error=repr(failure)[:2000],
    )
    raise failure


@shared_task(autoretry_for=())
def render_document(job_id: int) -> str:
    """Render a DocumentJob. A failure is recorded on the row, where the member sees it and
    「再試行」; the task itself is not retried (the job row would say failed meanwhile). A
    worker lost mid-render is made good by requeue_overdue_documents, not by the broker."""
    from kosmo import documents

    return documents.run(job_id)


@shared_task(autoretry_for=())
def requeue_overdue_documents() -> int:
    """The beat's sweep (every minute): document jobs past their deadline are queued again,
    or failed after their last attempt."""
    from kosmo import documents

    return documents.requeue_overdue()


@shared_task
def purge_expired_documents() -> int:
    from kosmo import documents

    return documents.purge_expired()
