import os
import time

import pytest
from django.core import mail

from kosmo.celery import app as celery_app
from kosmo.mail import send_templated_mail
from kosmo.models import OutboundEmail
from kosmo.tasks import deliver_email
from tests.conftest import require


@pytest.fixture
def mail_templates(settings):
    test_templates = settings.BASE_DIR / "tests" / "templates"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], test_templates]}
    ]


def test_templated_mail_is_sent_with_text_and_html(
    db, mail_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send_templated_mail(
            to=["taro@example.jp"], template="tests/mail/hello", context={"name": "山田 太郎"}
        )

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert email.body_text == "" and email.body_html == ""  # nothing secret is kept
    [message] = mail.outbox
    assert message.subject == "【KOSMOWeb】テストのお知らせ"
    assert message.to == ["taro@example.jp"]
    assert "山田 太郎 様" in message.body
    assert "<p>山田 太郎 様</p>" in message.alternatives[0][0]


def test_mail_is_queued_only_after_the_transaction_commits(
    db, mail_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_templated_mail(to=["taro@example.jp"], template="tests/mail/hello", context={})

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_delivering_the_same_mail_twice_sends_it_once(
    db, mail_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send_templated_mail(to=["taro@example.jp"], template="tests/mail/hello", context={})

    assert deliver_email(email.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_a_failed_delivery_is_recorded_and_raised(db, mail_templates, settings):
    settings.EMAIL_BACKEND = "tests.kosmo.failing_backend.FailingBackend"
    email = OutboundEmail.objects.create(
        to=["x@example.jp"], template="t", subject="s", body_text="b"
    )

    with pytest.raises(ConnectionError):
        deliver_email.run(email.pk)

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED
    assert email.attempts == 1
    assert "ConnectionError" in email.last_error
    assert email.body_text == "b"  # kept for the retry


@pytest.mark.celery_worker
def test_a_real_worker_on_redis_delivers_queued_mail(transactional_db, mail_templates):
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set: no broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        email = send_templated_mail(
            to=["hanako@example.jp"], template="tests/mail/hello", context={"name": "山田 花子"}
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            email.refresh_from_db()
            if email.state == OutboundEmail.State.SENT:
                break
            time.sleep(0.1)

    assert email.state == OutboundEmail.State.SENT
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"]]
