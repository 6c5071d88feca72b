"""Passkey pages (生体認証, manual §2-2【3】 and §3-6): 「🔑 セキュリティの設定」 → the browser's
ceremony → 「認証ラベルの登録」, and the options endpoint of the login / re-authentication
ceremony (the second-factor page itself is mfa.views)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from allauth.account.stages import LoginStageController
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import flows as account_flows
from accounts.forms import SIGN_OUT_EVERYWHERE
from accounts.models import MfaMethod
from kosmo.access import signed_in_required
from mfa import flows, passkeys, services
from mfa.flows import STAGE_KEY
from mfa.models import PasskeyDevice


def _reauthentication_if_protected(*, json: bool = False):
    """Adding a passkey to an account that already has a second factor needs a fresh
    re-authentication (MFA-9); the first factor, at first login, does not. JSON endpoints
    answer 403 with the page to go to instead of a redirect fetch() would follow."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        guarded = account_flows.reauthentication_required(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not services.has_second_factor(request.user):
                return view(request, *args, **kwargs)
            if json and not account_flows.recently_reauthenticated(request):
                query = urlencode({"next": reverse("mfa:passkey_setup")})
                target = f"{reverse(account_flows.REAUTHENTICATE_URL_NAME)}?{query}"
                return JsonResponse({"ok": False, "next": target}, status=403)
            return guarded(request, *args, **kwargs)

        return wrapped

    return decorator


def _json_options(options: str) -> HttpResponse:
    response = HttpResponse(options, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _failure(message, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "message": str(message)}, status=status)


# --- Registration ---------------------------------------------------------------------------------


@never_cache
@signed_in_required
@_reauthentication_if_protected()
def setup(request: HttpRequest) -> HttpResponse:
    """「🔑 セキュリティの設定」: 「登録」 starts the browser's ceremony (static/js/passkeys.js).
    The other methods are always offered: without JavaScript or WebAuthn, and after a failed
    or cancelled ceremony (FAQ Q16), the member switches to an app or e-mail codes."""
    return render(
        request,
        "mfa/passkey_setup.html",
        {
            "sign_out_label": SIGN_OUT_EVERYWHERE,
            **flows.setup_alternatives(request.user, MfaMethod.PASSKEY),
        },
    )


@require_POST
@never_cache
@signed_in_required
@_reauthentication_if_protected(json=True)
def register_options(request: HttpRequest) -> HttpResponse:
    """Creation options for navigator.credentials.create() (JSON)."""
    return _json_options(passkeys.registration_options(request, request.user))


@require_POST
@never_cache
@signed_in_required
@_reauthentication_if_protected(json=True)
def register(request: HttpRequest) -> JsonResponse:
    """The browser's answer, as JSON: {"credential": {...}, "sign_out_others": bool}.
    Verified, it waits in the session for its label."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _failure(passkeys.REGISTRATION_INVALID)
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        return _failure(passkeys.REGISTRATION_INVALID)
    try:
        passkeys.verify_registration(request, request.user, json.dumps(body["credential"]))
    except passkeys.PasskeyError as failure:
        return _failure(failure)
    request.session[passkeys.SIGN_OUT_OTHERS] = body.get("sign_out_others") is True
    return JsonResponse({"ok": True, "next": reverse("mfa:passkey_label")})


@never_cache
@signed_in_required
@_reauthentication_if_protected()
def label(request: HttpRequest) -> HttpResponse:
    """「認証ラベルの登録」: the member names the passkey; then it is a second factor."""
    user = request.user
    if passkeys.pending_passkey(request, user) is None:
        return redirect("mfa:passkey_setup")
    form = passkeys.PasskeyLabelForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            passkeys.save_pending_passkey(
                request,
                user,
                form.cleaned_data["label"],
                sign_out_others=request.session.pop(passkeys.SIGN_OUT_OTHERS, False),
            )
        except passkeys.PasskeyError as failure:
            messages.error(request, str(failure))
            return redirect("mfa:passkey_setup")
        return services.after_setup(request)
    return render(request, "mfa/passkey_label.html", {"form": form})


# --- Authentication (login stage and re-authentication) -------------------------------------------


@require_POST
@never_cache
def authenticate_options(request: HttpRequest) -> HttpResponse:
    """Request options for navigator.credentials.get() (JSON): for the login waiting at the
    second-factor stage, or for the signed-in member re-authenticating."""
    if request.user.is_authenticated:
        user = request.user
    else:
        stage = LoginStageController.enter(request, STAGE_KEY)
        user = stage.login.user if stage is not None else None
    if user is None or not PasskeyDevice.objects.filter(user=user, confirmed=True).exists():
        return _failure(passkeys.AUTHENTICATION_FAILED)
    return _json_options(passkeys.authentication_options(request, user))
