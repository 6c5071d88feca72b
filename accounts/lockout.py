"""Brute-force protection (ACC-13) and sign-in tracking, modelled on Keycloak's brute-force
detection (``DefaultBruteForceProtector``).

The policy, per account (counted on the `User` row, so every web process agrees):

``FAILURE_RESET_TIME`` = 12 hours
    Keycloak's "Failure Reset Time" (its default). Consecutive wrong passwords are counted;
    when the previous failure is older than this, the count starts again from one. A
    successful login resets it to zero.
``MAX_LOGIN_FAILURES`` = 5
    Keycloak's "Max Login Failures". From the 5th consecutive failure on, every further
    failure locks the password again for ``TEMPORARY_LOCK_DURATION``
    (「パスワードロック」): Keycloak waits ``wait increment × ⌊failures / max failures⌋``,
    capped at "Max Wait"; with the increment equal to the cap, that is a flat 15 minutes.
``TEMPORARY_LOCK_DURATION`` = 15 minutes
    Keycloak's "Max Wait" (its default is also 15 minutes).
``PERMANENT_LOCK_FAILURES`` = 20
    Like Keycloak's "Permanent Lockout" (reached, since Keycloak 24, after a number of
    temporary lockouts): at the 20th consecutive failure the account is locked until union
    staff lift it (「アカウントロック」, `unlock`).

The password is always checked first. While an account is locked, a correct password is
refused by `refuse_if_locked` with the lock message (which lock, until when, whom to call);
a wrong one gets the generic wrong-password answer and is not counted. So only someone who
knows the password learns that the account exists and is locked: an unknown ID, a wrong
password and a locked ID with a wrong password all get the same answer, even the failure
that locks (the member learns of the lock by e-mail and at their next right password).
An attacker thus gets five guesses, then one every 15 minutes; after 19 they must stay quiet
for 12 hours or lock the account for good, which the member (by e-mail) and the union notice.
Anyone who knows a user ID can lock that account on purpose: the price of Keycloak's
permanent lockout, answered by the member's mail and staff's 「ロックを解除する」.

A completed 「パスワードを忘れた方はこちら」 reset proves control of the account's mailbox and
lifts a temporary lock (`lift_temporary_lock`); the permanent lock stays until staff lift it.

Per client address, allauth's ``login_failed`` rate limit (settings.ACCOUNT_RATE_LIMITS)
already applies, so this module does not count addresses.

Member and staff accounts of the union being served, and operators (superusers of no union),
are counted and locked alike: an ID of another union, like an unknown ID, gets exactly the
wrong-password answer (see accounts.backends.UnionAuthenticationBackend).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import KnownBrowser, SecurityEvent, User
from accounts.services import client_ip, record_event, user_agent
from accounts.validators import normalize_user_id
from kosmo.mail import send_templated_mail
from kosmo.models import Union

MAX_LOGIN_FAILURES = 5
TEMPORARY_LOCK_DURATION = dt.timedelta(minutes=15)
PERMANENT_LOCK_FAILURES = 20
FAILURE_RESET_TIME = dt.timedelta(hours=12)

# How much of an attempted user ID a LOGIN_FAILED event keeps (someone may type a password
# into the ID field; the whole of it is never needed to spot an attack).
ATTEMPTED_ID_LENGTH = 30

BROWSER_COOKIE = "kosmo_browser"
BROWSER_COOKIE_SALT = "kosmo.accounts.browser"
# Browsers cap cookie lifetimes at 400 days; the cookie is renewed at every login.
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600
_BROWSER_KEY = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

TOKYO = ZoneInfo("Asia/Tokyo")

PASSWORD_LOCKED = gettext_lazy(
    "パスワードがロックされました。%(until)sまでログインできません。"
    "ご加入の健保組合までお問い合わせください。"
)
ACCOUNT_LOCKED = gettext_lazy(
    "アカウントがロックされました。ご加入の健保組合までお問い合わせください。"
)
REFUSED_WHILE_LOCKED = gettext_lazy("ロック中のため拒否")
WRONG_WHILE_LOCKED = gettext_lazy("ロック中のパスワード誤り（回数に数えない）")
LIFTED_BY_RESET = gettext_lazy("パスワード再設定による解除")


# --- Formatting ---------------------------------------------------------------------------------


def format_datetime(value: dt.datetime) -> str:
    """「2026年11月25日 22:15」 in Japan time."""
    local = value.astimezone(TOKYO)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def format_lock_end(value: dt.datetime) -> str:
    """When a temporary lock ends, rounded up to the minute so the member is never early."""
    if value.second or value.microsecond:
        value = value.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return format_datetime(value)


def union_contact(union: Union | None) -> str:
    """「コスモ健康保険組合 電話 03-0000-0000（受付時間 平日9:00〜17:00）」: whom to call."""
    if union is None:
        return ""
    contact = union.name
    if union.contact_phone:
        contact += " " + _("電話 %(phone)s") % {"phone": union.contact_phone}
    if union.contact_hours:
        contact += _("（受付時間 %(hours)s）") % {"hours": union.contact_hours}
    return contact


_BROWSERS = [
    # Order matters: Edge and Chrome also say "Safari", Edge also says "Chrome".
    ("Edge", ("Edg/", "EdgA/", "EdgiOS/")),
    ("Firefox", ("Firefox/", "FxiOS/")),
    ("Chrome", ("Chrome/", "CriOS/", "Chromium/")),
    ("Safari", ("Safari/",)),
]
_SYSTEMS = [
    # iOS says "like Mac OS X" and Android says "Linux", so they go first.
    ("iOS", ("iPhone", "iPad", "iPod")),
    ("Android", ("Android",)),
    ("Windows", ("Windows",)),
    ("macOS", ("Macintosh", "Mac OS X")),
    ("Linux", ("Linux", "X11")),
]


def describe_browser(agent: str) -> str:
    """「Chrome / Windows」: enough of a User-Agent for a member to recognise their device."""
    if not agent:
        return ""
    browser = next((name for name, marks in _BROWSERS if any(m in agent for m in marks)), None)
    system = next((name for name, marks in _SYSTEMS if any(m in agent for m in marks)), None)
    return f"{browser or _('その他のブラウザ')} / {system or _('その他のOS')}"


# --- Lockout --------------------------------------------------------------------------------------


def _lockable_account(request: HttpRequest | None, login: str, *, for_update: bool = False):
    """The account with this user ID that may sign in here, if any: a member or staff of the
    union being served, or an operator (a superuser of no union, who signs in anywhere)."""
    union = getattr(request, "union", None)
    login = normalize_user_id(login)
    if not login:
        return None
    here = Q(is_superuser=True, union__isnull=True)
    if union is not None:
        here |= Q(union=union)
    accounts = User.objects.filter(here, username=login)
    if for_update:
        # No joins here: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        accounts = accounts.select_for_update()
    user = accounts.first()
    if user is not None and user.union_id is not None:
        user.union = union  # the union being served is the account's: no second query
    return user


def lock_error(user: User) -> ValidationError:
    """The manual's message for a locked account (Q5 「パスワードがロックされました」,
    Q6 「アカウントがロックされました」, the latter with whom to call)."""
    if user.locked_at is not None:
        messages = [str(ACCOUNT_LOCKED)]
        contact = union_contact(user.union)
        if contact:
            messages.append(contact)
        return ValidationError(messages, code="account_locked")
    return ValidationError(
        PASSWORD_LOCKED % {"until": format_lock_end(user.locked_until)}, code="password_locked"
    )


def refuse_if_locked(request: HttpRequest, user: User) -> None:
    """Raise a ValidationError with the manual's lock message when the account is locked.

    Called only once the password has proved right (see the module docstring), so the lock is
    told only to someone who knows the password. The refusal is recorded in the account's
    history without counting as a failure.
    """
    if not user.is_locked:
        return
    record_event(
        user=user,
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        request=request,
        detail=str(REFUSED_WHILE_LOCKED),
    )
    raise lock_error(user)


def login_failed(request: HttpRequest, login: str) -> None:
    """Count a wrong password for the account and lock it at the thresholds.

    An unknown user ID only leaves a LOGIN_FAILED event without an account. A wrong password
    for a locked account is recorded but not counted (it cannot extend the lock). The row is
    locked and the count incremented in the database, so concurrent failures are each counted
    once and exactly one of them crosses each threshold (one lock event, one e-mail).

    The answer is always the wrong-password one, also for the failure that locks: the lock
    message would tell anyone that this user ID exists.
    """
    login = normalize_user_id(login)
    detail = login[:ATTEMPTED_ID_LENGTH]
    with transaction.atomic():
        user = _lockable_account(request, login, for_update=True)
        if user is None:
            record_event(
                user=None, kind=SecurityEvent.Kind.LOGIN_FAILED, request=request, detail=detail
            )
            return
        if user.is_locked:
            record_event(
                user=user,
                kind=SecurityEvent.Kind.LOGIN_FAILED,
                request=request,
                detail=str(WRONG_WHILE_LOCKED),
            )
            return
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(
            failed_logins=Case(
                When(last_failed_login_at__lt=now - FAILURE_RESET_TIME, then=Value(1)),
                default=F("failed_logins") + 1,
            ),
            last_failed_login_at=now,
        )
        user.refresh_from_db(fields=["failed_logins", "last_failed_login_at"])
        record_event(
            user=user, kind=SecurityEvent.Kind.LOGIN_FAILED, request=request, detail=detail
        )
        failures = user.failed_logins
        if failures >= PERMANENT_LOCK_FAILURES:
            if user.locked_at is None:
                _lock_permanently(user, now=now, request=request)
        elif failures >= MAX_LOGIN_FAILURES:
            _lock_temporarily(user, now=now, request=request, notify=failures == MAX_LOGIN_FAILURES)


def _lock_temporarily(user: User, *, now: dt.datetime, request, notify: bool) -> None:
    user.locked_until = now + TEMPORARY_LOCK_DURATION
    user.save(update_fields=["locked_until"])
    record_event(
        user=user,
        kind=SecurityEvent.Kind.LOCKED_TEMPORARILY,
        request=request,
        detail=_("%(until)sまで") % {"until": format_lock_end(user.locked_until)},
    )
    # One e-mail per series: the first lock. Later re-locks of the same series are recorded
    # but not mailed, so an attacker cannot flood the member's inbox.
    if notify:
        _send_lock_mail(user, permanent=False)


def _lock_permanently(user: User, *, now: dt.datetime, request) -> None:
    user.locked_at = now
    user.locked_until = None
    user.save(update_fields=["locked_at", "locked_until"])
    record_event(user=user, kind=SecurityEvent.Kind.LOCKED_PERMANENTLY, request=request)
    _send_lock_mail(user, permanent=True)


def _send_lock_mail(user: User, *, permanent: bool) -> None:
    if not user.email:
        return
    send_templated_mail(
        to=[user.email],
        template="accounts/email/account_locked",
        context={
            "user": user,
            "permanent": permanent,
            "failures": user.failed_logins,
            "locked_until": format_lock_end(user.locked_until) if user.locked_until else "",
            "contact": union_contact(user.union),
        },
        union=user.union,
    )


@transaction.atomic
def unlock(*, user: User, actor: User | None, request: HttpRequest | None = None) -> bool:
    """Staff lift a temporary or permanent lock and clear the failure count.

    Returns whether there was anything to lift; only then is an UNLOCKED event recorded.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.locked_at is None and user.locked_until is None and not user.failed_logins:
        return False
    user.failed_logins = 0
    user.locked_until = None
    user.locked_at = None
    user.save(update_fields=["failed_logins", "locked_until", "locked_at"])
    record_event(user=user, kind=SecurityEvent.Kind.UNLOCKED, request=request, actor=actor)
    return True


@transaction.atomic
def lift_temporary_lock(*, user: User, request: HttpRequest | None = None) -> bool:
    """A completed e-mail reset proved control of the account: lift the temporary lock and
    clear the failure count (Keycloak does the same after a reset). The permanent lock
    (staff's) stays. Returns whether a lock was lifted; only then is an UNLOCKED event
    recorded."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.locked_at is not None or (user.locked_until is None and not user.failed_logins):
        return False
    lifted = user.is_locked
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    if lifted:
        record_event(
            user=user,
            kind=SecurityEvent.Kind.UNLOCKED,
            request=request,
            detail=str(LIFTED_BY_RESET),
        )
    return lifted


# --- Successful sign-in -----------------------------------------------------------------------


def login_succeeded(*, request: HttpRequest, user: User, response: HttpResponseBase | None) -> None:
    """After a complete login: reset the failure count, record the login, and alert the member
    when the browser is new to an account that has signed in from other browsers before."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0)
        user.failed_logins = 0
        record_event(user=user, kind=SecurityEvent.Kind.LOGIN_SUCCEEDED, request=request)
        if response is not None:
            _remember_browser(request, response, user)


def _browser_key(request: HttpRequest) -> str:
    key = request.get_signed_cookie(BROWSER_COOKIE, default=None, salt=BROWSER_COOKIE_SALT)
    if key and _BROWSER_KEY.match(key):
        return key
    return secrets.token_urlsafe(32)


def _remember_browser(request: HttpRequest, response: HttpResponseBase, user: User) -> None:
    key = _browser_key(request)
    key_hash = hashlib.sha256(key.encode()).hexdigest()
    now = timezone.now()
    agent = user_agent(request)
    browser, created = KnownBrowser.objects.get_or_create(
        user=user,
        key_hash=key_hash,
        defaults={"user_agent": agent, "first_seen_at": now, "last_seen_at": now},
    )
    if not created:
        KnownBrowser.objects.filter(pk=browser.pk).update(last_seen_at=now, user_agent=agent)
    elif user.email and KnownBrowser.objects.filter(user=user).exclude(pk=browser.pk).exists():
        send_templated_mail(
            to=[user.email],
            template="accounts/email/new_browser_login",
            context={
                "user": user,
                "signed_in_at": format_datetime(now),
                "browser": describe_browser(agent) or _("不明"),
                "ip_address": client_ip(request) or _("不明"),
                "password_url": request.build_absolute_uri(reverse("accounts:change_password")),
                "contact": union_contact(user.union),
            },
            union=user.union,
        )
    response.set_signed_cookie(
        BROWSER_COOKIE,
        key,
        salt=BROWSER_COOKIE_SALT,
        max_age=BROWSER_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def on_user_logged_in(sender, request, user, response=None, **kwargs) -> None:
    """Receiver of allauth's ``user_logged_in`` (connected in AccountsConfig.ready)."""
    login_succeeded(request=request, user=user, response=response)
