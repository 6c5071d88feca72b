"""Issue 16: the lock is told only to someone who typed the right password (five kinds of
input), and a completed e-mail reset lifts the temporary lock but not staff's."""

import re

import pytest
from django.test import Client

from accounts.models import SecurityEvent
from tests import factories
from tests.accounts.helpers import (
    NEW_PASSWORD,
    form_errors,
    html,
    lock_permanently,
    lock_temporarily,
    reset_password,
)
from tests.factories import PASSWORD

WRONG = "Wrong-pass-2026"
INVALID_LOGIN = "無効なユーザIDまたはパスワードです。"
PASSWORD_LOCKED = "パスワードがロックされました。"
ACCOUNT_LOCKED = "アカウントがロックされました。ご加入の健保組合までお問い合わせください。"


def _page(response, typed_id: str) -> str:
    """The page as it would be for any typed ID, without its CSRF token."""
    page = html(response).replace(typed_id, "{typed}")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


# --- The lock is told only to someone who typed the right password -----------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("unknown ID", [INVALID_LOGIN]),
        ("known ID, wrong password", [INVALID_LOGIN]),
        ("locked ID, wrong password", [INVALID_LOGIN]),
        ("locked ID, right password", "lock"),
        ("known ID, right password", None),
    ],
)
def test_lock_is_told_only_to_the_right_password(client, insured, kind, expected):
    login, password = insured.username, PASSWORD
    if kind == "unknown ID":
        login, password = "nobody_here", WRONG
    if "wrong" in kind:
        password = WRONG
    if "locked" in kind:
        lock_temporarily(insured)

    response = factories.sign_in(client, login, password)

    if expected is None:
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(insured.pk)
    elif expected == "lock":
        [message] = form_errors(response)
        assert message.startswith(PASSWORD_LOCKED)
        assert "までログインできません。" in message
    else:
        assert form_errors(response) == expected


def test_a_wrong_password_while_locked_looks_like_an_unknown_id_and_is_not_counted(client, insured):
    lock_temporarily(insured)

    locked = factories.sign_in(client, insured.username, WRONG)
    unknown = factories.sign_in(Client(), "nobody_here", WRONG)

    assert _page(locked, insured.username) == _page(unknown, "nobody_here")
    insured.refresh_from_db()
    assert insured.failed_logins == 5  # not counted: the lock is not extended
    event = insured.security_events.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).get()
    assert event.detail == "ロック中のパスワード誤り（回数に数えない）"


def test_the_failure_that_locks_answers_like_any_wrong_password(client, insured):
    for _ in range(5):
        response = factories.sign_in(client, insured.username, WRONG)

    insured.refresh_from_db()
    assert insured.is_locked
    assert form_errors(response) == [INVALID_LOGIN]


def test_account_lock_is_told_with_the_right_password_and_the_unions_contact(client, insured):
    lock_permanently(insured)

    wrong = factories.sign_in(client, insured.username, WRONG)
    right = factories.sign_in(client, insured.username, PASSWORD)

    assert form_errors(wrong) == [INVALID_LOGIN]
    assert form_errors(right) == [ACCOUNT_LOCKED, "コスモ健康保険組合 電話 03-0000-0000"]
    assert "_auth_user_id" not in client.session


# --- A completed reset lifts the temporary lock, not staff's -----------------------------------


def test_completed_reset_lifts_the_temporary_lock(
    client, insured, django_capture_on_commit_callbacks
):
    lock_temporarily(insured)

    reset_password(client, insured.username, django_capture_on_commit_callbacks)

    insured.refresh_from_db()
    assert not insured.is_locked
    assert insured.failed_logins == 0
    event = insured.security_events.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert event.detail == "パスワード再設定による解除"
    assert event.actor is None
    assert factories.sign_in(Client(), insured.username, NEW_PASSWORD).status_code == 302


def test_reset_keeps_the_account_lock_and_says_so(
    client, insured, django_capture_on_commit_callbacks
):
    lock_permanently(insured)

    form_page, done = reset_password(client, insured.username, django_capture_on_commit_callbacks)

    assert (
        "アカウントがロックされています。パスワードを再設定しても、"
        "ご加入の健保組合がロックを解除するまでログインできません。"
    ) in html(form_page)
    assert "コスモ健康保険組合 電話 03-0000-0000" in html(form_page)
    assert "パスワードを再設定しましたが、アカウントはロックされたままです。" in html(done)
    insured.refresh_from_db()
    assert insured.locked_at is not None
    assert insured.check_password(NEW_PASSWORD)
    assert not insured.security_events.filter(kind=SecurityEvent.Kind.UNLOCKED).exists()
    assert form_errors(factories.sign_in(Client(), insured.username, NEW_PASSWORD))[0] == (
        ACCOUNT_LOCKED
    )
