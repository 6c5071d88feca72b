"""The write side of accounts: every change to an account goes through one of these
functions, which also writes its SecurityEvent in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
import string

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts import queries
from accounts.models import MfaMethod, SecurityEvent, TermsConsent, TermsVersion, User
from kosmo.mail import send_templated_mail
from kosmo.models import Person, Union


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, read as allauth reads it for its rate limits:
    behind TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For; REMOTE_ADDR otherwise."""
    if request is None:
        return None
    try:
        return get_account_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No usable address, or fewer forwarded addresses than proxies: not the client's.
        return None


def user_agent(request: HttpRequest | None) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""


def record_event(
    *,
    user: User | None,
    kind: str,
    request: HttpRequest | None = None,
    detail: str = "",
    actor: User | None = None,
    person: Person | None = None,
) -> SecurityEvent:
    """Append one row to the account's security history."""
    return SecurityEvent.objects.create(
        user=user,
        kind=kind,
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        detail=detail[:200],
        actor=actor,
        person=person,
    )


# What a staff look was at, as the member's security log names it:
# 「組合の担当者があなたの医療費情報を閲覧しました」.
STAFF_LOOK_SUBJECTS = {
    "medical": gettext_lazy("医療費情報"),
    "prescriptions": gettext_lazy("処方情報"),
    "benefits": gettext_lazy("給付金情報"),
    "checkup": gettext_lazy("健診結果"),
    "survey": gettext_lazy("被扶養者資格調査の提出書類"),
    "eligibility": gettext_lazy("資格情報の届出"),
}


def record_staff_look(
    *,
    staff: User,
    person: Person,
    subject: str,
    request: HttpRequest | None = None,
    account: User | None = None,
) -> SecurityEvent:
    """A union staff member looked at a person's personal data (`subject`, a key of
    STAFF_LOOK_SUBJECTS): kept in the staff audit (セキュリティ履歴, with the staff member) and
    shown in a member's own security log (without them): `account`'s when given (who
    submitted what was looked at), else the person's own, else — for a person without an
    account — the household's insured's."""
    if subject not in STAFF_LOOK_SUBJECTS:
        raise ValueError(f"unknown subject {subject!r}")
    account = (
        account
        or User.objects.filter(person=person).first()
        or User.objects.filter(
            person__household_id=person.household_id, person__role=Person.Role.INSURED
        ).first()
    )
    return record_event(
        user=account,
        kind=SecurityEvent.Kind.STAFF_VIEWED,
        request=request,
        detail=subject,
        actor=staff,
        person=person,
    )


@transaction.atomic
def sign_out_everywhere(*, user: User, request: HttpRequest | None = None) -> None:
    """End every session of the account; the session of `request` (if any) stays signed in."""
    user.session_salt = secrets.token_hex(16)
    user.save(update_fields=["session_salt"])
    record_event(user=user, kind=SecurityEvent.Kind.SIGNED_OUT_EVERYWHERE, request=request)
    if request is not None and request.user.is_authenticated and request.user.pk == user.pk:
        update_session_auth_hash(request, user)


@transaction.atomic
def verify_identity(*, user: User, request: HttpRequest) -> None:
    """The first-login birth-date check succeeded."""
    user.identity_verified_at = timezone.now()
    user.save(update_fields=["identity_verified_at"])
    record_event(user=user, kind=SecurityEvent.Kind.IDENTITY_VERIFIED, request=request)


@transaction.atomic
def accept_terms(*, user: User, terms: TermsVersion, request: HttpRequest) -> None:
    """Record 「同意する」 to this version (idempotent: a double submit records it once)."""
    _, created = TermsConsent.objects.get_or_create(
        user=user, terms=terms, defaults={"ip_address": client_ip(request)}
    )
    if created:
        record_event(
            user=user, kind=SecurityEvent.Kind.TERMS_ACCEPTED, request=request, detail=terms.version
        )


@transaction.atomic
def choose_user_id_and_method(
    *, user: User, user_id: str, mfa_method: str, request: HttpRequest
) -> None:
    """First-login step 9: the member's own user ID and 認証方法."""
    change_user_id(user=user, user_id=user_id, request=request)
    user.mfa_method = MfaMethod(mfa_method)
    user.user_id_chosen_at = timezone.now()
    user.save(update_fields=["mfa_method", "user_id_chosen_at"])


@transaction.atomic
def change_user_id(*, user: User, user_id: str, request: HttpRequest | None) -> None:
    """Change the login ID (already validated and normalised by the form)."""
    if user.username == user_id:
        return
    old = user.username
    user.username = user_id
    user.save(update_fields=["username"])
    record_event(
        user=user,
        kind=SecurityEvent.Kind.USER_ID_CHANGED,
        request=request,
        detail=f"{old} → {user_id}",
    )


@transaction.atomic
def set_password(
    *,
    user: User,
    password: str,
    request: HttpRequest | None,
    sign_out_others: bool,
    kind: str = SecurityEvent.Kind.PASSWORD_CHANGED,
) -> None:
    """Store a new password (validated by the form) with today's 作成日."""
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    record_event(user=user, kind=kind, request=request)
    if sign_out_others:
        sign_out_everywhere(user=user, request=request)


def has_verified_email(user: User) -> bool:
    """Whether the account's e-mail address has been confirmed through its link."""
    return (
        bool(user.email)
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def pending_email(user: User) -> EmailAddress | None:
    """The address awaiting its 「メールアドレスの確認」 click, if any."""
    return EmailAddress.objects.filter(user=user, verified=False).order_by("-pk").first()


@transaction.atomic
def request_email_change(
    *, user: User, email: str, request: HttpRequest, sign_out_others: bool = False
) -> EmailAddress:
    """Mail a verification link for `email`; the account takes the address once it is opened.

    Until then the account keeps its current address. Other pending addresses are dropped,
    so only the newest link can change the address.
    """
    EmailAddress.objects.filter(user=user, verified=False).exclude(email__iexact=email).delete()
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=email, verified=False, primary=False)
    if sign_out_others:
        sign_out_everywhere(user=user, request=request)
    confirmation = EmailConfirmationHMAC(address)
    transaction.on_commit(lambda: confirmation.send(request, signup=False))
    return address


@transaction.atomic
def adopt_confirmed_email(*, address: EmailAddress, request: HttpRequest | None) -> str | None:
    """A verification link was opened: that address becomes the account's only address.

    Returns the address it replaces when that one had been confirmed (the member's own, to be
    told of the change), else None."""
    user = address.user
    changed = (user.email or "").lower() != address.email.lower()
    replaced = (
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True)
        .values_list("email", flat=True)
        .first()
        if changed and user.email
        else None
    )
    EmailAddress.objects.filter(user=user).exclude(pk=address.pk).delete()
    if not address.primary:
        address.primary = True
        address.save(update_fields=["primary"])
    user.email = address.email
    user.save(update_fields=["email"])
    if changed:
        record_event(user=user, kind=SecurityEvent.Kind.EMAIL_CHANGED, request=request)
    return replaced


def temporary_password(length: int = 12) -> str:
    """A random password for a letter: no look-alike characters, every character class."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
    digits = "23456789"
    symbols = "-_.@#%+"
    alphabet = letters + digits + symbols
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            password[0].isalpha()  # a leading -, + or @ turns into a formula in Excel
            and any(c in string.ascii_uppercase for c in password)
            and any(c in string.ascii_lowercase for c in password)
            and any(c in digits for c in password)
            and any(c in symbols for c in password)
        ):
            return password


def temporary_user_id() -> str:
    """``k`` + 9 random digits: 10 characters, valid under ACC-4, unlikely to collide."""
    while True:
        user_id = "k" + "".join(secrets.choice(string.digits) for _ in range(9))
        if not User.objects.filter(username=user_id).exists():
            return user_id


@transaction.atomic
def issue_account(*, person: Person, actor: User | None = None) -> tuple[User, str]:
    """Create the account of a person with a temporary user ID and password (for a letter).

    Returns the account and the temporary password, which is shown or printed once and never
    stored. The member's first login then walks every step of accounts.flows.
    """
    password = temporary_password()
    user = User(username=temporary_user_id(), person=person, is_temporary_id=True)
    user.must_change_password = True
    user.set_password(password)
    user.save()
    record_event(user=user, kind=SecurityEvent.Kind.ACCOUNT_ISSUED, actor=actor)
    return user, password


@transaction.atomic
def force_password_reset(
    *, user: User, actor: User | None, request: HttpRequest | None = None
) -> str:
    """Staff replace the password with a temporary one (for a letter or the phone) and end
    every session; the member must choose a new password at the next login."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record_event(
        user=user, kind=SecurityEvent.Kind.PASSWORD_RESET_FORCED, request=request, actor=actor
    )
    user.session_salt = secrets.token_hex(16)
    user.save(update_fields=["session_salt"])
    return password


@transaction.atomic
def update_profile(
    *, user: User, user_id: str, language: str, mfa_method: str, request: HttpRequest
) -> None:
    """ACC-7: the member's own user ID, language and preferred 認証方法."""
    change_user_id(user=user, user_id=user_id, request=request)
    user.language = language
    user.mfa_method = MfaMethod(mfa_method)
    user.save(update_fields=["language", "mfa_method"])


@transaction.atomic
def finish_first_login(*, user: User) -> bool:
    """Every first-login step is done: the temporary-ID flag goes. True if it was set."""
    if not user.is_temporary_id:
        return False
    user.is_temporary_id = False
    user.save(update_fields=["is_temporary_id"])
    return True


# --- Forgotten password and user ID (ACC-10, ACC-11): run after the response (accounts.tasks) ---


def send_password_reset(*, union: Union | None, user_id: str, base_url: str) -> bool:
    """Mail the 「パスワードをリセット」 link (valid PASSWORD_RESET_TIMEOUT, 5 min) to the member
    account of `union` with this (normalised) user ID, if it has an address. Returns whether a
    mail was queued (never shown to the requester). `base_url` is the portal's root URL."""
    user = queries.member_accounts(union).filter(username=user_id).first()
    if user is None or not user.email:
        return False
    uid = user_pk_to_url_str(user)
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": key})
    send_templated_mail(
        to=[user.email],
        template="account/email/password_reset_key",
        context={
            "user": user,
            "username": user.username,
            "password_reset_url": base_url.rstrip("/") + path,
        },
        union=union,
    )
    return True


def send_user_id_reminders(
    *, union: Union | None, birth_date: dt.date, email: str, login_url: str
) -> int:
    """Mail its user ID to each member account of `union` with this birth date and address.

    Returns how many were queued (never shown to the requester).
    """
    accounts = queries.member_accounts(union).filter(
        person__birth_date=birth_date, email__iexact=email
    )
    sent = 0
    for account in accounts:
        send_templated_mail(
            to=[account.email],
            template="accounts/email/user_id_reminder",
            context={"user": account, "user_id": account.username, "login_url": login_url},
            union=union,
        )
        sent += 1
    return sent
