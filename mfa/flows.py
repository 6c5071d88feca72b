"""How second factors join the account flows: the login stage after the password, the
first-login setup step, and re-authentication (password, then a second factor)."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts import flows as account_flows
from accounts.models import SecurityEvent, User
from accounts.services import record_event
from mfa import services

STAGE_KEY = "kosmo_second_factor"
PASSWORD_CONFIRMED_AT = "kosmo_reauth_password_at"


def second_factor_stage_required(view):
    """A view of the login stage after the password (mfa.stages.SecondFactorStage): only while
    allauth's login is at that stage (else back to the login form); the stage is kept on the
    request as ``request.login_stage``."""

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Imported here: allauth's stages module imports its flows, which need the apps ready.
        from allauth.account.stages import LoginStageController
        from allauth.account.utils import get_login_redirect_url

        if request.user.is_authenticated:
            return redirect(get_login_redirect_url(request))
        stage = LoginStageController.enter(request, STAGE_KEY)
        if stage is None:
            return redirect("account_login")
        request.login_stage = stage
        return view(request, *args, **kwargs)

    return wrapper


def complete_login(request: HttpRequest, device) -> HttpResponse:
    """The second factor checked out at login: allauth finishes signing the member in."""
    services.touch(device)
    stage = request.login_stage
    if services.method_of(device) == "passkey":
        # A passkey with user verification stands for both factors for five minutes.
        account_flows.mark_reauthenticated(request)
    return stage.exit()


def complete_reauthentication(request: HttpRequest, device=None) -> HttpResponse:
    """Re-authenticated (password then factor, or a passkey alone): back to where they were."""
    if device is not None:
        services.touch(device)
    request.session.pop(PASSWORD_CONFIRMED_AT, None)
    account_flows.mark_reauthenticated(request)
    return redirect(safe_next(request))


def record_failure(request: HttpRequest, user: User, method: str) -> None:
    record_event(user=user, kind=SecurityEvent.Kind.MFA_FAILED, request=request, detail=method)


def safe_next(request: HttpRequest, default: str = "home") -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def method_setup_url(user: User, method: str) -> str | None:
    """MFA-8: choosing a method without a device in the profile starts its registration."""
    if services.has_method(user, method):
        return None
    return reverse("mfa:setup_method", args=[method])


def setup_alternatives(user: User, method: str) -> dict:
    """Context of a setup page's way out: the other methods (FAQ Q16: a passkey that cannot
    be registered), and where 「戻る」 leads — the method choice during the first setup,
    else 「ログイン方法変更」."""
    first = not services.has_second_factor(user)
    return {
        "first": first,
        "others": [
            (other, label) for other, label in services.addable_methods(user) if other != method
        ],
        "back_url": reverse("mfa:choose_method" if first else "accounts:login_methods"),
    }


def _login_method_section(request: HttpRequest) -> dict:
    factors = services.factors_of(request.user)
    return {"factors": factors, "only_one": factors.count == 1}


def register() -> None:
    """Plug second factors into accounts (called from MfaConfig.ready)."""
    account_flows.LOGIN_STAGES.append("mfa.stages.SecondFactorStage")
    account_flows.register_step(
        account_flows.Step(
            "second_factor",
            "mfa:setup",
            lambda user: not services.has_second_factor(user),
        ),
        after=account_flows.SECOND_FACTOR_STEP_AFTER,
    )
    account_flows.LOGIN_METHOD_SECTIONS.append(("mfa/_login_methods.html", _login_method_section))
    account_flows.method_setup_url = method_setup_url
    account_flows.REAUTHENTICATE_URL_NAME = "mfa:reauthenticate"
