"""Second-factor pages: at login (after the password), at re-authentication, setup of each
method, the backup invitation and deletion (manual §2-3, §2-4, §3-6, §3-7).

Templates are not named mfa/authenticate.html or mfa/reauthenticate.html: django-allauth
ships templates of those names."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from functools import wraps

import qrcode
import qrcode.image.svg
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import flows as account_flows
from accounts import ratelimits
from accounts.models import MfaMethod
from kosmo.access import member_required, signed_in_required
from mfa import flows, passkey_views, passkeys, services
from mfa.forms import (
    WRONG_CODE,
    EmailCodeForm,
    MethodChoiceForm,
    PasswordForm,
    TotpForm,
    TotpSetupForm,
)
from mfa.models import PasskeyDevice

TOO_MANY_TRIES = _(
    "短時間に操作が繰り返されました。しばらく時間をおいてから、もう一度お試しください。"
)
EMAIL_SENT_AT = "kosmo_mfa_email_sent_at"


# --- Verifying a second factor (login and re-authentication share one page) ---


def _throttled(seconds: int) -> str:
    return _(
        "ワンタイムパスワードを続けて間違えたため、%(seconds)d秒後にもう一度入力してください。"
    ) % {"seconds": seconds}


def _send_email_code(request: HttpRequest, user, *, force: bool) -> str | None:
    """Mail a code unless one went out within the cool-down; returns a message to show."""
    sent_at = request.session.get(EMAIL_SENT_AT)
    wait = settings.MFA_EMAIL_RESEND_SECONDS - (time.time() - sent_at) if sent_at else 0
    if wait > 0:
        return (
            _("再送信は%(seconds)d秒後からできます。") % {"seconds": int(wait) + 1}
            if force
            else None
        )
    if not ratelimit.consume(request, action="mfa_email_send", user=user):
        return TOO_MANY_TRIES
    services.send_email_code(user=user, request=request)
    request.session[EMAIL_SENT_AT] = time.time()
    return _("%(email)s にワンタイムパスワードを送信しました。") % {"email": user.email}


def _passkey_from(request: HttpRequest, user) -> tuple[PasskeyDevice | None, str | None]:
    """The passkey the posted assertion proves, or the message to show (failure recorded)."""
    try:
        return passkeys.verify_authentication(
            request, user, request.POST["passkey_credential"]
        ), None
    except passkeys.PasskeyError as failure:
        flows.record_failure(request, user, MfaMethod.PASSKEY)
        return None, str(failure)


# Each method's screen carries the manual's heading (§2-1 5., §2-3 「生体認証画面」, §2-4-5).
HEADINGS = {
    MfaMethod.TOTP: gettext_lazy("ワンタイムパスワードの入力"),
    MfaMethod.EMAIL: gettext_lazy("ワンタイムパスワード (OTP) メール認証"),
    MfaMethod.PASSKEY: gettext_lazy("生体認証"),
}


def _factor_page(
    request: HttpRequest,
    *,
    user,
    on_success: Callable[[object], HttpResponse],
) -> HttpResponse:
    factors = services.factors_of(user)
    methods = factors.methods
    if not methods:
        raise Http404("no second factor")
    chosen = request.POST.get("method") or request.GET.get("method") or user.mfa_method
    method = chosen if chosen in methods else methods[0]
    totp_form = TotpForm(
        request.POST if method == MfaMethod.TOTP and request.method == "POST" else None,
        devices=factors.totp,
    )
    email_form = EmailCodeForm(
        request.POST if method == MfaMethod.EMAIL and request.method == "POST" else None
    )
    error = notice = None

    if request.method == "POST":
        if not ratelimits.within(request, action="mfa_verify", user=user):
            error = TOO_MANY_TRIES
        elif request.POST.get("passkey_credential"):
            device, error = _passkey_from(request, user)
            if device is not None:
                return on_success(device)
        elif request.POST.get("action") == "resend" and method == MfaMethod.EMAIL:
            notice = _send_email_code(request, user, force=True)
            email_form = EmailCodeForm()
        elif method == MfaMethod.TOTP and totp_form.is_valid():
            device = totp_form.cleaned_data["device"]
            if wait := services.throttle_wait(device):
                totp_form.add_error("code", _throttled(wait))
            elif services.verify_totp(device, totp_form.cleaned_data["code"]):
                return on_success(device)
            else:
                totp_form.add_error("code", WRONG_CODE)
                flows.record_failure(request, user, MfaMethod.TOTP)
        elif method == MfaMethod.EMAIL and email_form.is_valid():
            if wait := services.throttle_wait(factors.email):
                email_form.add_error("code", _throttled(wait))
            elif services.verify_email_code(factors.email, email_form.cleaned_data["code"]):
                request.session.pop(EMAIL_SENT_AT, None)
                return on_success(factors.email)
            else:
                email_form.add_error("code", WRONG_CODE)
                flows.record_failure(request, user, MfaMethod.EMAIL)
    elif method == MfaMethod.EMAIL:
        notice = _send_email_code(request, user, force=False)

    return render(
        request,
        "mfa/second_factor.html",
        {
            "heading": HEADINGS[method],
            "method": method,
            "methods": [(m, services.METHOD_LABELS[m]) for m in methods],
            "factors": factors,
            "totp_form": totp_form,
            "email_form": email_form,
            "error": error,
            "notice": notice,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "email": user.email,
        },
    )


@flows.second_factor_stage_required
def authenticate(request: HttpRequest) -> HttpResponse:
    """After the password at login: one second factor (MFA-1, MFA-3)."""
    user = request.login_stage.login.user
    return _factor_page(
        request,
        user=user,
        on_success=lambda device: flows.complete_login(request, device),
    )


@never_cache
@signed_in_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """MFA-9, step 1: 「続行するには再度認証してください」 — the password (or a passkey alone)."""
    user = request.user
    form = PasswordForm(request.POST or None)
    error = None
    if request.method == "POST":
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            error = TOO_MANY_TRIES
        elif request.POST.get("passkey_credential"):
            device, error = _passkey_from(request, user)
            if device is not None:
                return flows.complete_reauthentication(request, device)
        elif form.is_valid():
            if user.check_password(form.cleaned_data["password"]):
                if not services.has_second_factor(user):
                    return flows.complete_reauthentication(request)
                request.session[flows.PASSWORD_CONFIRMED_AT] = time.time()
                return redirect(_with_next("mfa:reauthenticate_factor", request))
            form.add_error("password", _("パスワードが正しくありません。"))
    return render(
        request,
        "mfa/reauthenticate_password.html",
        {
            "form": form,
            "error": error,
            "next": flows.safe_next(request),
            "has_passkey": PasskeyDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@never_cache
@signed_in_required
def reauthenticate_factor(request: HttpRequest) -> HttpResponse:
    """MFA-9, step 2: the second factor, then back to what the member was doing."""
    confirmed_at = request.session.get(flows.PASSWORD_CONFIRMED_AT)
    if confirmed_at is None or time.time() - confirmed_at > settings.MFA_REAUTHENTICATION_SECONDS:
        return redirect(_with_next("mfa:reauthenticate", request))
    return _factor_page(
        request,
        user=request.user,
        on_success=lambda device: flows.complete_reauthentication(request, device),
    )


def _with_next(url_name: str, request: HttpRequest) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    return f"{reverse(url_name)}?{urlencode({'next': flows.safe_next(request)})}"


# --- Setting up a method ---


def reauthentication_if_protected(view):
    """Adding a factor to an account that has one needs re-authentication; the very first
    factor (first login) is set up right after the password step."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if services.has_second_factor(request.user):
            return account_flows.reauthentication_required(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


@signed_in_required
def setup(request: HttpRequest) -> HttpResponse:
    """The first-login step: set up the 認証方法 chosen at the user-ID step. Staff, who have
    no first-login journey, choose their method here before /admin/ opens."""
    user = request.user
    if request.member is None and not user.mfa_method:
        methods = services.addable_methods(user)
        return render(request, "mfa/staff_setup.html", {"methods": methods})
    return redirect("mfa:setup_method", user.mfa_method or MfaMethod.TOTP)


@never_cache
@signed_in_required
def choose_method(request: HttpRequest) -> HttpResponse:
    """「認証方法の設定」 before the first factor exists: the member changes the method chosen
    at the user-ID step (e.g. to e-mail codes after a passkey could not be registered), and
    the next login resumes with the new one. Later, methods are added from 「ログイン方法変更」."""
    user = request.user
    if services.has_second_factor(user):
        return redirect("accounts:login_methods" if request.member else "admin:index")
    form = MethodChoiceForm(
        request.POST or None,
        methods=services.addable_methods(user),
        initial={"method": user.mfa_method or None},
    )
    if request.method == "POST" and form.is_valid():
        services.choose_method(user=user, method=form.cleaned_data["method"])
        return redirect("mfa:setup_method", form.cleaned_data["method"])
    return render(request, "mfa/choose_method.html", {"form": form})


@never_cache
@signed_in_required
@reauthentication_if_protected
def setup_method(request: HttpRequest, method: str) -> HttpResponse:
    pages = {
        MfaMethod.TOTP: _totp_setup,
        MfaMethod.EMAIL: _email_setup,
        MfaMethod.PASSKEY: passkey_views.setup,
    }
    if method not in pages:
        raise Http404
    return pages[method](request)


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def _totp_setup(request: HttpRequest) -> HttpResponse:
    """MFA-2 「ワンタイムパスワードの設定」."""
    user = request.user
    device = services.pending_totp_device(user)
    form = TotpSetupForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        if not ratelimits.within(request, action="mfa_verify", user=user):
            form.add_error(None, TOO_MANY_TRIES)
        elif wait := services.throttle_wait(device):
            # django-otp refuses even the right code until the wait after a typo is over.
            form.add_error("code", _throttled(wait))
        elif services.verify_totp(device, form.cleaned_data["code"]):
            services.confirm_device(
                request=request,
                device=TOTPDevice.objects.get(pk=device.pk),
                name=form.cleaned_data["name"],
                sign_out_others=form.cleaned_data["sign_out_others"],
            )
            return services.after_setup(request)
        else:
            form.add_error("code", WRONG_CODE)
    uri = services.totp_uri(device, user)
    return render(
        request,
        "mfa/totp_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(uri),
            "key": services.totp_base32(device),
            **flows.setup_alternatives(user, MfaMethod.TOTP),
        },
    )


def _email_setup(request: HttpRequest) -> HttpResponse:
    """ワンタイムパスワード (OTP) メール認証: prove the address receives the codes once."""
    user = request.user
    if services.has_method(user, MfaMethod.EMAIL):
        messages.info(request, _("メール認証はすでに設定されています。"))
        return redirect("accounts:login_methods")
    resend = request.method == "POST" and request.POST.get("action") == "resend"
    form = EmailCodeForm(request.POST if request.method == "POST" and not resend else None)
    notice = None
    if resend:
        notice = _send_email_code(request, user, force=True)
    elif request.method == "POST" and form.is_valid():
        device = services.email_device(user)
        if not ratelimits.within(request, action="mfa_verify", user=user):
            form.add_error(None, TOO_MANY_TRIES)
        elif wait := services.throttle_wait(device):
            form.add_error("code", _throttled(wait))
        elif services.verify_email_code(device, form.cleaned_data["code"]):
            request.session.pop(EMAIL_SENT_AT, None)
            services.confirm_device(request=request, device=device, name=_("メール"))
            return services.after_setup(request)
        else:
            form.add_error("code", WRONG_CODE)
    elif request.method == "GET":
        notice = _send_email_code(request, user, force=False)
    return render(
        request,
        "mfa/email_setup.html",
        {
            "form": form,
            "notice": notice,
            "email": user.email,
            **flows.setup_alternatives(user, MfaMethod.EMAIL),
        },
    )


@member_required
def backup(request: HttpRequest) -> HttpResponse:
    """After the first factor: invite (not force) a second method as a backup."""
    factors = services.factors_of(request.user)
    others = [
        (method, label)
        for method, label in services.METHOD_LABELS.items()
        if method not in factors.methods
    ]
    return render(request, "mfa/backup.html", {"others": others})


# --- Deleting a device ---

_DEVICE_MODELS = {"totp": TOTPDevice, "passkey": PasskeyDevice}


@never_cache
@member_required
def delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """MFA-7: confirmation 「削除する」/「戻る」; the e-mail method and the last factor stay.
    The last factor's refusal comes at once: re-authenticating would only lead to a no."""
    if kind not in _DEVICE_MODELS:
        raise Http404  # the e-mail method cannot be deleted (manual §3-7)
    device = get_object_or_404(_DEVICE_MODELS[kind], pk=pk, user=request.user, confirmed=True)
    if services.is_last_factor(device):
        return _delete_page(request, device, last=True)
    return _confirm_delete(request, device=device)


@account_flows.reauthentication_required
def _confirm_delete(request: HttpRequest, *, device) -> HttpResponse:
    if request.method == "POST":
        services.delete_device(request=request, device=device)
        messages.success(request, _("「%(name)s」を削除しました。") % {"name": device.name})
        return redirect("accounts:login_methods")
    return _delete_page(request, device, last=False)


def _delete_page(request: HttpRequest, device, *, last: bool) -> HttpResponse:
    return render(
        request,
        "mfa/delete.html",
        {
            "device": device,
            "last": last,
            "kind_label": services.METHOD_LABELS[services.method_of(device)],
        },
    )
