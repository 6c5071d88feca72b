"""The first-login journey, terms, profile and the password / e-mail changes (manual §2-1,
§3-1, §3-2, §3-5, §3-8)."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import alerts, flows, queries, services
from accounts.forms import (
    BirthDateForm,
    EmailForm,
    PasswordForm,
    ProfileForm,
    TermsForm,
    UserIdAndMethodForm,
)
from accounts.middleware import touch_session
from accounts.validators import USER_ID_FORBIDDEN_LIST
from kosmo.access import member_required

TOO_MANY_TRIES = _(
    "短時間に操作が繰り返されました。しばらく時間をおいてから、もう一度お試しください。"
)


PENDING_USER_ID = "kosmo_pending_user_id"
USER_ID_NEEDS_REAUTHENTICATION = _(
    "ユーザIDを変更するには、再度認証してください。認証後、「変更」をもう一度押してください。"
)


def _continue(request: HttpRequest) -> HttpResponse:
    """Go to the next pending step, or finish the first login and open the portal."""
    step = flows.pending_step(request.user)
    if step is not None:
        return redirect(step.url)
    flows.finish(request)
    return redirect("home")


def _step_page(request: HttpRequest, name: str) -> HttpResponse | None:
    """Keep the steps in order: a later step's URL sends the member to the pending one."""
    step = flows.pending_step(request.user)
    if step is None or step.name != name:
        return _continue(request)
    return None


@member_required
def first_login_identity(request: HttpRequest) -> HttpResponse:
    if (elsewhere := _step_page(request, "identity")) is not None:
        return elsewhere
    form = BirthDateForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not ratelimit.consume(request, action="verify_identity", user=request.user):
            form.add_error(None, TOO_MANY_TRIES)
        elif form.is_valid():
            services.verify_identity(user=request.user, request=request)
            return _continue(request)
    return render(request, "accounts/first_login_identity.html", {"form": form})


@member_required
def terms(request: HttpRequest) -> HttpResponse:
    """The terms to accept (first login, or a new version after authentication)."""
    version = queries.terms_to_accept(request.user)
    if version is None:
        return render(
            request,
            "accounts/terms.html",
            {"terms": queries.current_terms(request.union), "accepted": True},
        )
    form = TermsForm(request.POST or None, terms=version)
    if request.method == "POST" and form.is_valid():
        services.accept_terms(user=request.user, terms=version, request=request)
        return _continue(request)
    return render(request, "accounts/terms.html", {"terms": version, "form": form})


@member_required
def first_login_email(request: HttpRequest) -> HttpResponse:
    """Steps 6–8: confirm or update the address, then wait for the link to be opened."""
    if (elsewhere := _step_page(request, "email")) is not None:
        return elsewhere
    user = request.user
    pending = services.pending_email(user)
    form = EmailForm(
        request.POST or None,
        user=user,
        initial={"email": pending.email if pending else user.email},
    )
    if request.method == "POST":
        if not ratelimit.consume(request, action="manage_email", user=user):
            form.add_error(None, TOO_MANY_TRIES)
        elif form.is_valid():
            services.request_email_change(
                user=user, email=form.cleaned_data["email"], request=request
            )
            return redirect("accounts:first_login_email")
    return render(
        request,
        "accounts/first_login_email.html",
        {"form": form, "pending": pending, "editing": request.GET.get("edit") == "1"},
    )


def email_verified(request: HttpRequest) -> HttpResponse:
    """Where the mail's 「メールアドレスの確認」 link lands (often in another tab or app)."""
    return render(request, "accounts/email_verified.html")


@member_required
def first_login_user_id(request: HttpRequest) -> HttpResponse:
    if (elsewhere := _step_page(request, "user_id")) is not None:
        return elsewhere
    user = request.user
    form = UserIdAndMethodForm(
        request.POST or None,
        user=user,
        initial={"user_id": user.username, "mfa_method": user.mfa_method or None},
    )
    if request.method == "POST" and form.is_valid():
        services.choose_user_id_and_method(
            user=user,
            user_id=form.cleaned_data["user_id"],
            mfa_method=form.cleaned_data["mfa_method"],
            request=request,
        )
        return _continue(request)
    return render(
        request,
        "accounts/first_login_user_id.html",
        {"form": form, "forbidden_characters": USER_ID_FORBIDDEN_LIST},
    )


@member_required
def first_login_password(request: HttpRequest) -> HttpResponse:
    if (elsewhere := _step_page(request, "password")) is not None:
        return elsewhere
    form = PasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.set_password(
            user=request.user,
            password=form.cleaned_data["password1"],
            request=request,
            sign_out_others=True,  # whoever held the temporary password is signed out
        )
        return _continue(request)
    return render(request, "accounts/first_login_password.html", {"form": form})


@member_required
def profile(request: HttpRequest) -> HttpResponse:
    """ACC-7 「プロフィール変更」."""
    user = request.user
    form = ProfileForm(
        request.POST or None,
        user=user,
        initial={
            "language": user.language,
            # A user ID typed before re-authenticating is offered again (not yet saved).
            "user_id": request.session.pop(PENDING_USER_ID, user.username),
            "mfa_method": user.mfa_method,
        },
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["user_id"] != user.username and not flows.recently_reauthenticated(
            request
        ):
            # The user ID is the login: changing it asks again for the password and a second
            # factor, as e-mail and password changes do (MFA-9).
            request.session[PENDING_USER_ID] = form.cleaned_data["user_id"]
            messages.info(request, USER_ID_NEEDS_REAUTHENTICATION)
            return flows.redirect_to_reauthenticate(reverse("accounts:profile"))
        services.update_profile(
            user=user,
            user_id=form.cleaned_data["user_id"],
            language=form.cleaned_data["language"],
            mfa_method=form.cleaned_data["mfa_method"],
            request=request,
        )
        messages.success(request, _("プロフィールを変更しました。"))
        setup_url = flows.method_setup_url(user, form.cleaned_data["mfa_method"])
        return redirect(setup_url or "accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "forbidden_characters": USER_ID_FORBIDDEN_LIST,
            "pending": services.pending_email(user),
        },
    )


@member_required
@flows.reauthentication_required
def change_email(request: HttpRequest) -> HttpResponse:
    """ACC-8 「メールアドレスの更新」: the new address is used once its link is opened."""
    user = request.user
    form = EmailForm(
        request.POST or None, user=user, sign_out_choice=True, initial={"email": user.email}
    )
    if request.method == "POST":
        if not ratelimit.consume(request, action="manage_email", user=user):
            form.add_error(None, TOO_MANY_TRIES)
        elif form.is_valid():
            email = form.cleaned_data["email"]
            if email.lower() == (user.email or "").lower():
                messages.info(request, _("メールアドレスは変更されていません。"))
                return redirect("accounts:profile")
            services.request_email_change(
                user=user,
                email=email,
                request=request,
                sign_out_others=form.cleaned_data["sign_out_others"],
            )
            messages.success(
                request,
                _(
                    "%(email)s に確認メールを送信しました。メールの「メールアドレスの確認」を"
                    "クリックすると、変更が完了します。"
                )
                % {"email": email},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/change_email.html", {"form": form})


@member_required
def login_methods(request: HttpRequest) -> HttpResponse:
    """「ログイン方法変更」: the password (作成日, 「更新」); the mfa app adds second factors."""
    sections = [(template, context(request)) for template, context in flows.LOGIN_METHOD_SECTIONS]
    return render(request, "accounts/login_methods.html", {"sections": sections})


@member_required
@flows.reauthentication_required
def change_password(request: HttpRequest) -> HttpResponse:
    """ACC-9 「パスワードの更新」."""
    form = PasswordForm(request.POST or None, user=request.user, sign_out_choice=True)
    if request.method == "POST":
        if not ratelimit.consume(request, action="change_password", user=request.user):
            form.add_error(None, TOO_MANY_TRIES)
        elif form.is_valid():
            services.set_password(
                user=request.user,
                password=form.cleaned_data["password1"],
                request=request,
                sign_out_others=form.cleaned_data["sign_out_others"],
            )
            alerts.password_changed(user=request.user, request=request)
            messages.success(request, _("パスワードを更新しました。"))
            return redirect("accounts:login_methods")
    return render(request, "accounts/change_password.html", {"form": form})


def reauthenticate(request: HttpRequest) -> HttpResponse:
    """allauth's password-only page: the mfa app's re-authentication replaces it."""
    url = reverse(flows.REAUTHENTICATE_URL_NAME)
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@member_required
def keepalive(request: HttpRequest) -> HttpResponse:
    """The idle-timeout warning's 「ログインを続ける」: counts as activity."""
    touch_session(request, now=timezone.now(), force=True)
    return HttpResponse(status=204)
