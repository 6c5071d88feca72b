"""Second factors: which a member has, and every change to them (each writes its
SecurityEvent). Passkey ceremonies live in mfa.passkeys."""

from __future__ import annotations

import base64
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import MfaMethod, SecurityEvent, User
from accounts.services import record_event, sign_out_everywhere
from kosmo.mail import send_templated_mail
from mfa.models import PasskeyDevice

METHOD_LABELS = dict(MfaMethod.choices)


@dataclass(frozen=True)
class Factors:
    """The member's confirmed second factors."""

    totp: list[TOTPDevice]
    passkeys: list[PasskeyDevice]
    email: EmailDevice | None

    @property
    def methods(self) -> list[str]:
        """Usable methods, in the manual's order."""
        return [
            method
            for method, present in (
                (MfaMethod.PASSKEY, self.passkeys),
                (MfaMethod.TOTP, self.totp),
                (MfaMethod.EMAIL, self.email),
            )
            if present
        ]

    @property
    def count(self) -> int:
        return len(self.totp) + len(self.passkeys) + (1 if self.email else 0)


def factors_of(user: User) -> Factors:
    return Factors(
        totp=list(
            TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
        ),
        passkeys=list(
            PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
        ),
        email=EmailDevice.objects.filter(user=user, confirmed=True).first(),
    )


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or PasskeyDevice.objects.filter(user=user, confirmed=True).exists()
        or EmailDevice.objects.filter(user=user, confirmed=True).exists()
    )


def has_method(user: User, method: str) -> bool:
    model = {
        MfaMethod.TOTP: TOTPDevice,
        MfaMethod.PASSKEY: PasskeyDevice,
        MfaMethod.EMAIL: EmailDevice,
    }[MfaMethod(method)]
    return model.objects.filter(user=user, confirmed=True).exists()


def addable_methods(user: User) -> list[tuple[str, str]]:
    """(method, label) of what this account can set up now, in the manual's order: codes by
    e-mail need an address and exist once; apps and passkeys may be added again."""
    return [
        (method, label)
        for method, label in METHOD_LABELS.items()
        if method != MfaMethod.EMAIL or (user.email and not has_method(user, method))
    ]


def choose_method(*, user: User, method: str) -> None:
    """The 認証方法 the account sets up first (and is asked for first at login), changed
    before any factor exists: a passkey that cannot be registered is no dead end (FAQ Q16)."""
    user.mfa_method = MfaMethod(method)
    user.save(update_fields=["mfa_method"])


# --- Authenticator apps (TOTP, RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) ---


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up: the same key across reloads until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="", confirmed=False, step=30, digits=6, tolerance=1
        )
    return device


def totp_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it (「スキャンできませんか?」)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_uri(device: TOTPDevice, user: User) -> str:
    """otpauth:// URI: the union's name as issuer, the user ID as account."""
    import pyotp

    issuer = user.union.name if user.union else settings.OTP_TOTP_ISSUER
    return pyotp.TOTP(totp_base32(device)).provisioning_uri(name=user.username, issuer_name=issuer)


def throttle_wait(device) -> int:
    """Seconds before this device accepts another try (django-otp doubles the wait after each
    wrong code: 1, 2, 4 … seconds); 0 when a code may be entered now."""
    allowed, _ = device.verify_is_allowed()
    if allowed:
        return 0
    required = min(
        device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1),
        MAX_THROTTLE_DELAY_SECONDS,
    )
    waited = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, math.ceil(required - waited))


@transaction.atomic
def verify_totp(device: TOTPDevice, code: str) -> bool:
    """Check a code; the row is locked so one code is accepted once, even across workers
    (django-otp keeps the last accepted time step per device and refuses it and older)."""
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    return locked.verify_token("".join(code.split()))


# --- E-mail codes ---


def email_device(user: User) -> EmailDevice:
    """The e-mail device (confirmed or being set up); codes go to the account's address."""
    device = EmailDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        device = EmailDevice.objects.create(user=user, name="メール", confirmed=False)
    return device


def send_email_code(*, user: User, request: HttpRequest | None) -> EmailDevice:
    """Mail a fresh 6-digit code, valid OTP_EMAIL_TOKEN_VALIDITY seconds (rate limits are the
    caller's)."""
    device = email_device(user)
    device.generate_token(valid_secs=settings.OTP_EMAIL_TOKEN_VALIDITY, commit=True)
    send_templated_mail(
        to=[user.email],
        template="mfa/email/one_time_password",
        context={
            "user": user,
            "token": device.token,
            "minutes": settings.OTP_EMAIL_TOKEN_VALIDITY // 60,
        },
        union=user.union,
    )
    return device


@transaction.atomic
def verify_email_code(device: EmailDevice, code: str) -> bool:
    locked = EmailDevice.objects.select_for_update().get(pk=device.pk)
    return locked.verify_token("".join(code.split()))


# --- Changes ---


@transaction.atomic
def confirm_device(
    *, request: HttpRequest, device, name: str, sign_out_others: bool = False
) -> None:
    """A device passed its first verification: it becomes a second factor of the account."""
    user = device.user
    first = not has_second_factor(user)
    device.name = name
    device.confirmed = True
    device.save()
    method = method_of(device)
    if first and user.mfa_method and user.mfa_method != method:
        # The first factor is another method than the one chosen at first login: it becomes
        # the 認証方法 (the profile shows it, the login page asks for it first).
        choose_method(user=user, method=method)
    kind_label = METHOD_LABELS[method]
    record_event(
        user=user,
        kind=SecurityEvent.Kind.MFA_ADDED,
        request=request,
        detail=f"{kind_label}: {name}",
    )
    if sign_out_others:
        sign_out_everywhere(user=user, request=request)
    request.session[FIRST_FACTOR_JUST_ADDED] = first


FIRST_FACTOR_JUST_ADDED = "kosmo_mfa_first_factor"


def after_setup(request: HttpRequest) -> HttpResponse:
    """Where a member goes after adding a device: the backup invitation after the very first
    one (first login), else the 「ログイン方法変更」 page. Staff go on to the admin."""
    first = request.session.pop(FIRST_FACTOR_JUST_ADDED, False)
    if request.member is None:
        messages.success(request, _("二要素認証を設定しました。"))
        return redirect("admin:index")
    if first:
        return redirect("mfa:backup")
    return redirect("accounts:login_methods")


def is_last_factor(device) -> bool:
    """The e-mail method can never be deleted; another device must remain for the rest."""
    return factors_of(device.user).count <= 1


@transaction.atomic
def delete_device(*, request: HttpRequest, device, actor: User | None = None) -> None:
    user = device.user
    label = f"{METHOD_LABELS[method_of(device)]}: {device.name}"
    device.delete()
    record_event(
        user=user, kind=SecurityEvent.Kind.MFA_REMOVED, request=request, detail=label, actor=actor
    )


@transaction.atomic
def reset_factors(*, user: User, actor: User | None, request: HttpRequest | None = None) -> int:
    """Staff, after a lost phone (FAQ Q14): remove every second factor; the member's next login
    walks the setup again. Returns how many devices were removed."""
    removed = 0
    for model in (TOTPDevice, PasskeyDevice, EmailDevice):
        removed += model.objects.filter(user=user).delete()[0]
    record_event(
        user=user,
        kind=SecurityEvent.Kind.MFA_RESET,
        request=request,
        actor=actor,
        detail=f"{removed}",
    )
    user.session_salt = secrets.token_hex(16)  # sign out everywhere, without a second event
    user.save(update_fields=["session_salt"])
    return removed


def method_of(device) -> str:
    if isinstance(device, PasskeyDevice):
        return MfaMethod.PASSKEY
    if isinstance(device, TOTPDevice):
        return MfaMethod.TOTP
    return MfaMethod.EMAIL


def touch(device) -> None:
    device.last_used_at = timezone.now()
    device.save(update_fields=["last_used_at"])
