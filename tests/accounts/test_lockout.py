"""ACC-13: the password lock (5 failures, 15 minutes), the account lock (20 failures), the
lock and new-browser e-mails, and the login history they leave."""

import datetime as dt
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts import lockout
from accounts.models import KnownBrowser, SecurityEvent, User
from kosmo.models import OutboundEmail
from tests import factories
from tests.conftest import require

TOKYO = ZoneInfo("Asia/Tokyo")
LOGIN_URL = "/accounts/login/"
WRONG = "Wrong-pass-2026"
INVALID_LOGIN = "無効なユーザIDまたはパスワードです。"
PASSWORD_LOCKED = (
    "パスワードがロックされました。2026年11月25日 22:15までログインできません。"
    "ご加入の健保組合までお問い合わせください。"
)
ACCOUNT_LOCKED = "アカウントがロックされました。ご加入の健保組合までお問い合わせください。"
CONTACT = "コスモ健康保険組合 電話 03-0000-0000（受付時間 平日 9:00〜17:00）"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 11, 25, 22, 0, tzinfo=TOKYO)

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Japan time 2026-11-25 22:00, moved only by the test."""
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def member(insured, union):
    union.contact_hours = "平日 9:00〜17:00"
    union.save()
    return insured


def sign_in(client, login, password, **extra):
    """The password, then (if it was right) the persona's e-mail code."""
    return factories.sign_in(client, login, password, **extra)


def fail(client, member, times):
    for _ in range(times):
        response = sign_in(client, member.username, WRONG)
        assert response.status_code == 200
    return response


def errors(response):
    return response.context["form"].non_field_errors()


def test_four_wrong_passwords_do_not_lock_the_account(client, member, clock):
    response = fail(client, member, 4)

    assert errors(response) == [INVALID_LOGIN]
    member.refresh_from_db()
    assert member.failed_logins == 4
    assert not member.is_locked
    assert sign_in(client, member.username, factories.PASSWORD).status_code == 302


def test_fifth_wrong_password_locks_the_password_for_fifteen_minutes(client, member, clock):
    fail(client, member, 4)

    response = sign_in(client, member.username, WRONG)

    # The failure that locks answers like any wrong password: the lock is told only to
    # someone who types the right one (an unknown ID never locks).
    assert errors(response) == [INVALID_LOGIN]
    right = sign_in(client, member.username, factories.PASSWORD)
    assert errors(right) == [PASSWORD_LOCKED]
    assert PASSWORD_LOCKED in right.content.decode()
    member.refresh_from_db()
    assert member.locked_until == clock.now + dt.timedelta(minutes=15)
    assert member.locked_at is None
    assert SecurityEvent.objects.filter(
        user=member, kind=SecurityEvent.Kind.LOCKED_TEMPORARILY
    ).exists()


def test_correct_password_is_refused_while_the_password_is_locked(client, member, clock):
    fail(client, member, 5)
    clock.advance(minutes=14, seconds=59)

    response = sign_in(client, member.username, factories.PASSWORD)

    assert response.status_code == 200
    assert errors(response) == [PASSWORD_LOCKED]
    assert "_auth_user_id" not in client.session


def test_password_lock_ends_after_fifteen_minutes(client, member, clock):
    fail(client, member, 5)
    clock.advance(minutes=15)

    response = sign_in(client, member.username, factories.PASSWORD)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.failed_logins == 0


def test_each_failure_after_the_fifth_locks_the_password_again(client, member, clock):
    fail(client, member, 5)
    clock.advance(minutes=15)

    sign_in(client, member.username, WRONG)
    response = sign_in(client, member.username, factories.PASSWORD)

    member.refresh_from_db()
    assert member.failed_logins == 6
    assert member.locked_until == clock.now + dt.timedelta(minutes=15)
    assert errors(response) == [
        "パスワードがロックされました。2026年11月25日 22:30までログインできません。"
        "ご加入の健保組合までお問い合わせください。"
    ]


def test_lock_end_is_shown_rounded_up_to_the_minute(client, member, clock):
    clock.advance(seconds=20)

    fail(client, member, 5)
    response = sign_in(client, member.username, factories.PASSWORD)

    assert errors(response) == [
        "パスワードがロックされました。2026年11月25日 22:16までログインできません。"
        "ご加入の健保組合までお問い合わせください。"
    ]


def test_twentieth_failure_locks_the_account_until_staff_unlock_it(client, member, clock):
    for _ in range(20):
        response = sign_in(client, member.username, WRONG)
        clock.advance(minutes=15)  # each password lock has ended before the next try

    assert errors(response) == [INVALID_LOGIN]
    member.refresh_from_db()
    assert member.failed_logins == 20
    assert member.locked_at is not None

    clock.advance(days=30)
    cache.clear()  # allauth's per-address limit (20 failures / 5 min) has long expired
    response = sign_in(client, member.username, factories.PASSWORD)
    assert errors(response) == [ACCOUNT_LOCKED, CONTACT]
    assert CONTACT in response.content.decode()

    lockout.unlock(user=member, actor=None)
    cache.clear()  # allauth's per-address limit (20 failures / 5 min) has long expired too
    assert sign_in(client, member.username, factories.PASSWORD).status_code == 302


def test_unlock_clears_the_lock_and_records_who_lifted_it(member, staff, clock):
    User.objects.filter(pk=member.pk).update(failed_logins=20, locked_at=clock.now)

    assert lockout.unlock(user=member, actor=staff) is True

    member.refresh_from_db()
    assert (member.failed_logins, member.locked_until, member.locked_at) == (0, None, None)
    event = SecurityEvent.objects.get(user=member, kind=SecurityEvent.Kind.UNLOCKED)
    assert event.actor == staff
    assert lockout.unlock(user=member, actor=staff) is False  # nothing left to lift


def test_password_lock_mails_the_member(client, member, clock, django_capture_on_commit_callbacks):
    fail(client, member, 4)

    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, member.username, WRONG)

    [message] = mail.outbox
    assert message.subject == "【KOSMOWeb】パスワードがロックされました"
    assert message.to == [member.email]
    assert "山田 太郎 様" in message.body
    assert "パスワードが5回続けて誤って入力されたため、パスワードをロックしました。" in message.body
    assert "2026年11月25日 22:15以降に、もう一度ログインしてください。" in message.body
    assert CONTACT in message.body
    assert CONTACT in message.alternatives[0][0]


def test_later_password_locks_of_the_same_series_are_not_mailed(
    client, member, clock, django_capture_on_commit_callbacks
):
    fail(client, member, 5)
    clock.advance(minutes=15)

    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, member.username, WRONG)

    assert mail.outbox == []


def test_account_lock_mails_the_member_with_the_union_contact(
    client, member, clock, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=member.pk).update(failed_logins=19, last_failed_login_at=clock.now)

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client, member.username, WRONG)

    assert errors(response) == [INVALID_LOGIN]
    [message] = mail.outbox
    assert message.subject == "【KOSMOWeb】アカウントがロックされました"
    assert "ロックはご加入の健保組合が解除します。" in message.body
    assert CONTACT in message.body
    assert SecurityEvent.objects.filter(
        user=member, kind=SecurityEvent.Kind.LOCKED_PERMANENTLY
    ).exists()


def test_successful_login_resets_the_failure_count(client, member, clock):
    fail(client, member, 4)
    assert sign_in(client, member.username, factories.PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    response = fail(client, member, 4)

    assert errors(response) == [INVALID_LOGIN]
    member.refresh_from_db()
    assert member.failed_logins == 4
    assert not member.is_locked


def test_failures_older_than_twelve_hours_no_longer_count(client, member, clock):
    fail(client, member, 4)
    clock.advance(hours=12, seconds=1)

    response = sign_in(client, member.username, WRONG)

    assert errors(response) == [INVALID_LOGIN]
    member.refresh_from_db()
    assert member.failed_logins == 1


def test_failures_are_counted_per_account(client, member, dependent, clock):
    fail(client, member, 4)

    response = sign_in(client, dependent.username, WRONG)

    assert errors(response) == [INVALID_LOGIN]
    dependent.refresh_from_db()
    assert dependent.failed_logins == 1


def _page(response, typed_id):
    html = response.content.decode().replace(typed_id, "{typed}")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_unknown_user_id_gets_exactly_the_wrong_password_response(client, member, clock):
    wrong_password = sign_in(client, member.username, WRONG)
    unknown_id = sign_in(client, "nobody_here", WRONG)

    assert unknown_id.status_code == wrong_password.status_code == 200
    assert errors(unknown_id) == errors(wrong_password) == [INVALID_LOGIN]
    assert _page(unknown_id, "nobody_here") == _page(wrong_password, member.username)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED, user=None)
    assert event.detail == "nobody_here"
    assert event.ip_address == "127.0.0.1"


def test_unknown_user_id_is_never_locked(client, member, clock):
    for _ in range(6):
        response = sign_in(client, "nobody_here", WRONG)

    assert errors(response) == [INVALID_LOGIN]


def test_attempted_user_id_is_kept_truncated(client, member, clock):
    sign_in(client, "x" * 100, WRONG)

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED, user=None)
    assert event.detail == "x" * 30


def test_member_of_another_union_is_neither_counted_nor_told_here(
    client, member, other_union_member, clock
):
    User.objects.filter(pk=other_union_member.pk).update(locked_at=clock.now)

    response = sign_in(client, other_union_member.username, WRONG)

    assert errors(response) == [INVALID_LOGIN]
    other_union_member.refresh_from_db()
    assert other_union_member.failed_logins == 0


def test_successful_login_is_recorded_with_address_and_browser(client, member, clock):
    sign_in(client, member.username, factories.PASSWORD, HTTP_USER_AGENT=CHROME_WINDOWS)

    event = SecurityEvent.objects.get(user=member, kind=SecurityEvent.Kind.LOGIN_SUCCEEDED)
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == CHROME_WINDOWS


def test_browser_cookie_is_long_lived_signed_and_http_only(client, member, clock):
    response = sign_in(client, member.username, factories.PASSWORD)

    cookie = response.cookies[lockout.BROWSER_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 400 * 24 * 3600
    key = cookie.value.split(":")[0]
    assert KnownBrowser.objects.get(user=member).key_hash != key  # only a hash is stored


def test_first_login_sends_no_new_browser_alert(
    client, member, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, member.username, factories.PASSWORD)

    assert mail.outbox == []
    assert KnownBrowser.objects.filter(user=member).count() == 1


def test_signing_in_again_from_the_same_browser_sends_no_alert(
    client, member, clock, django_capture_on_commit_callbacks
):
    sign_in(client, member.username, factories.PASSWORD)
    client.post("/accounts/logout/")

    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in(client, member.username, factories.PASSWORD).status_code == 302

    assert mail.outbox == []
    assert KnownBrowser.objects.filter(user=member).count() == 1


def test_signing_in_from_a_second_browser_mails_an_alert(
    client, member, clock, django_capture_on_commit_callbacks
):
    sign_in(client, member.username, factories.PASSWORD, HTTP_USER_AGENT=CHROME_WINDOWS)
    phone = Client()

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(
            phone, member.username, factories.PASSWORD, HTTP_USER_AGENT=SAFARI_IPHONE
        )

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "【KOSMOWeb】新しいブラウザからログインがありました"
    assert message.to == [member.email]
    assert "日時: 2026年11月25日 22:00" in message.body
    assert "ブラウザ/OS: Safari / iOS" in message.body
    assert "IPアドレス: 127.0.0.1" in message.body
    assert "すぐにパスワードを変更し" in message.body
    assert "Safari / iOS" in message.alternatives[0][0]
    assert KnownBrowser.objects.filter(user=member).count() == 2


def test_a_forged_browser_cookie_counts_as_a_new_browser(
    client, member, clock, django_capture_on_commit_callbacks
):
    sign_in(client, member.username, factories.PASSWORD)
    other = Client()
    other.cookies[lockout.BROWSER_COOKIE] = client.cookies[lockout.BROWSER_COOKIE].value + "x"

    with django_capture_on_commit_callbacks(execute=True):
        sign_in(other, member.username, factories.PASSWORD)

    assert [m.subject for m in mail.outbox] == [
        "【KOSMOWeb】新しいブラウザからログインがありました"
    ]


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_WINDOWS, "Chrome / Windows"),
        (SAFARI_IPHONE, "Safari / iOS"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge / Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:132.0) Gecko/20100101 Firefox/132.0",
            "Firefox / macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome / Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Safari / macOS",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
            "Firefox / Linux",
        ),
        ("curl/8.5.0", "その他のブラウザ / その他のOS"),
        ("", ""),
    ],
)
def test_user_agents_are_described_as_browser_and_os(agent, label):
    assert lockout.describe_browser(agent) == label


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_lock_after_exactly_five(union):
    # The lock check and the count happen under one row lock: of 10 simultaneous wrong
    # passwords, 5 count and lock the password; the rest meet the lock, recorded, uncounted.
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    member = factories.UserFactory(username="yamada_taro", person__household__union=union)
    start = threading.Barrier(10)

    def wrong_password():
        request = RequestFactory().post(LOGIN_URL)
        request.union = union
        start.wait()
        try:
            lockout.login_failed(request, member.username)
        except ValidationError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=wrong_password) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    member.refresh_from_db()
    assert member.failed_logins == lockout.MAX_LOGIN_FAILURES == 5
    assert member.is_locked
    assert (
        SecurityEvent.objects.filter(
            user=member, kind=SecurityEvent.Kind.LOCKED_TEMPORARILY
        ).count()
        == 1
    )
    assert (
        SecurityEvent.objects.filter(user=member, kind=SecurityEvent.Kind.LOGIN_FAILED).count()
        == 10
    )
    assert OutboundEmail.objects.filter(template="accounts/email/account_locked").count() == 1
