"""Issue 16: the forgotten-password and forgotten-user-ID pages do the same work whether or not
an account exists; the mail is queued after the response."""

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kosmo.models import OutboundEmail
from tests.accounts.helpers import (
    FORGOT_ID_URL,
    RESET_URL,
)

# --- The reset and forgotten-ID mails go out after the response ------------------------------


def _request_work(client, url, data, capture):
    """The queries a request runs and the callbacks it leaves for after the response."""
    with CaptureQueriesContext(connection) as queries, capture() as callbacks:
        response = client.post(url, data)
    return response, [query["sql"] for query in queries.captured_queries], callbacks


def test_reset_request_does_the_same_work_whether_or_not_the_account_exists(
    client, insured, django_capture_on_commit_callbacks
):
    client.get(RESET_URL)  # the union is resolved once per process
    known = _request_work(
        Client(), RESET_URL, {"user_id": insured.username}, django_capture_on_commit_callbacks
    )
    unknown = _request_work(
        Client(), RESET_URL, {"user_id": "nobody_here"}, django_capture_on_commit_callbacks
    )

    assert known[0].status_code == unknown[0].status_code == 302
    assert known[0].url == unknown[0].url
    assert known[1] == unknown[1]  # the same queries before responding
    assert len(known[2]) == len(unknown[2]) == 1  # one task queued after the response
    assert not OutboundEmail.objects.exists() and mail.outbox == []  # nothing sent inline

    with django_capture_on_commit_callbacks(execute=True):
        for callback in known[2] + unknown[2]:
            callback()
    [message] = mail.outbox
    assert message.to == [insured.email]
    assert message.subject == "【KOSMOWeb】パスワードのリセット"
    assert "/accounts/password/reset/key/" in message.body


def test_forgotten_user_id_does_the_same_work_whether_or_not_an_account_matches(
    client, insured, django_capture_on_commit_callbacks
):
    client.get(FORGOT_ID_URL)  # the union is resolved once per process
    match = {"birth_date": "19790822", "email": insured.email}
    no_match = {"birth_date": "19790822", "email": "nobody@example.jp"}
    known = _request_work(Client(), FORGOT_ID_URL, match, django_capture_on_commit_callbacks)
    unknown = _request_work(Client(), FORGOT_ID_URL, no_match, django_capture_on_commit_callbacks)

    assert known[0].status_code == unknown[0].status_code == 302
    assert known[1] == unknown[1]
    assert len(known[2]) == len(unknown[2]) == 1
    assert not OutboundEmail.objects.exists() and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        for callback in known[2] + unknown[2]:
            callback()
    [message] = mail.outbox
    assert message.to == [insured.email]
    assert insured.username in message.body


def test_a_reset_requested_here_never_mails_another_unions_account(
    client, union, other_union_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET_URL, {"user_id": other_union_member.username})

    assert mail.outbox == []
