"""Forgotten password (ACC-10, manual §3-3) and forgotten user ID (ACC-11, manual §3-4).

The reset itself runs in django-allauth's views (`account_reset_password`,
`account_reset_password_from_key`); ACCOUNT_FORMS points them at the two forms here.
Neither page ever tells whether an account exists: every accepted request ends on the login
page with the same message, whether or not a mail was sent.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.core import context, ratelimit
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import services, validators
from accounts.adapter import AccountAdapter
from accounts.forms import BIRTH_DATE_INVALID, PasswordForm, parse_birth_date
from accounts.models import SecurityEvent, User
from kosmo.mail import send_templated_mail
from kosmo.models import Union

RESET_MAIL_SENT = _("詳細な手順を記載したメールをすぐに受信してください。")
USER_ID_MAIL_SENT = _("以下のメールアドレスにメールを送信しました。")
USER_ID_MAIL_ADDRESS = _("あなたのメールアドレス: %(email)s")
USER_ID_MAIL_LOGIN = _("メールに記載されているユーザIDでログインしてください。")
RATE_LIMITED = AccountAdapter.error_messages["rate_limited"]
BIRTH_DATE_REQUIRED = _("生年月日を入力してください。")


def _members(union: Union | None) -> QuerySet[User]:
    """Active member accounts of the union being served (never staff, never another union)."""
    return User.objects.filter(union=union, person__isnull=False, is_active=True)


def _within_rate_limit(request: HttpRequest, *, action: str, key: str) -> bool:
    """Whether one more request fits ACCOUNT_RATE_LIMITS[action] (nothing is counted)."""
    return ratelimit.consume(request, action=action, key=key, dry_run=True)


# --- ACC-10 パスワードを忘れた場合 ---------------------------------------------------------------


class ResetPasswordForm(forms.Form):
    """「パスワードを忘れた方はこちら」: the user ID whose password is to be reset.

    allauth's PasswordResetView rate-limits on `cleaned_data["email"]`; here that key is the
    normalised user ID (the account has no e-mail until we find it).
    """

    user_id = forms.CharField(
        label=_("ユーザID"),
        max_length=150,
        error_messages={"required": validators.USER_ID_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )

    def clean_user_id(self) -> str:
        user_id = validators.normalize_user_id(self.cleaned_data["user_id"])
        if not user_id:
            raise ValidationError(validators.USER_ID_REQUIRED, code="required")
        return user_id

    def clean(self) -> dict:
        cleaned = super().clean()
        user_id = cleaned.get("user_id")
        if user_id:
            cleaned["email"] = user_id  # the key allauth's view counts the request under
            # Checked here so that the limit shows this page's Japanese message; the view
            # counts the request after the form is valid.
            if not _within_rate_limit(context.request, action="reset_password", key=user_id):
                raise ValidationError(RATE_LIMITED, code="rate_limited")
        return cleaned

    def save(self, request: HttpRequest, **kwargs) -> str:
        user_id = self.cleaned_data["user_id"]
        user = _members(getattr(request, "union", None)).filter(username=user_id).first()
        if user is not None and user.email:
            send_reset_mail(
                request,
                user=user,
                token_generator=kwargs.get("token_generator", default_token_generator),
            )
        messages.info(request, RESET_MAIL_SENT)
        return user_id


def send_reset_mail(request: HttpRequest, *, user: User, token_generator=None) -> None:
    """Mail the account its 「パスワードをリセット」 link (valid PASSWORD_RESET_TIMEOUT, 5 min)."""
    token_generator = token_generator or default_token_generator
    adapter = get_adapter(request)
    uid = user_pk_to_url_str(user)
    temp_key = token_generator.make_token(user)
    url = adapter.get_reset_password_from_key_url(f"{uid}-{temp_key}")
    mail_context = {
        "user": user,
        "username": user.username,
        "password_reset_url": url,
        "uid": uid,
        "key": temp_key,
        "request": request,
    }
    adapter.send_password_reset_mail(user, user.email, mail_context)


class ResetPasswordKeyForm(PasswordForm):
    """The 「パスワードをリセット」 link's page: 「パスワード」「パスワード確認用」.

    allauth's PasswordResetFromKeyView passes the account (`user`, None when the link is
    invalid) and the key; a valid form replaces the password and ends every session.
    """

    def __init__(self, *args, user: User | None = None, temp_key: str | None = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.temp_key = temp_key

    def save(self) -> None:
        # allauth's view calls save() without the request; its middleware keeps it in context.
        services.set_password(
            user=self.user,
            password=self.cleaned_data["password1"],
            request=context.request,
            sign_out_others=True,
            kind=SecurityEvent.Kind.PASSWORD_RESET,
        )


# --- ACC-11 ユーザIDを忘れた場合 ------------------------------------------------------------------


class ForgotUserIdForm(forms.Form):
    birth_date = forms.CharField(
        label=_("生年月日 (入力例:19790822)"),
        max_length=20,
        error_messages={"required": BIRTH_DATE_REQUIRED},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday"}),
    )
    email = forms.CharField(
        label=_("ご登録いただいたメールアドレス"),
        max_length=validators.EMAIL_MAX_LENGTH + 20,  # the length rule has its own message
        error_messages={"required": validators.EMAIL_REQUIRED},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )

    def clean_birth_date(self) -> dt.date:
        birth_date = parse_birth_date(self.cleaned_data["birth_date"])
        if birth_date is None:
            raise ValidationError(BIRTH_DATE_INVALID, code="invalid")
        return birth_date

    def clean_email(self) -> str:
        email = validators.normalize_email(self.cleaned_data["email"])
        validators.validate_email_address(email)
        return email


def send_user_id_reminders(
    request: HttpRequest, *, union: Union | None, birth_date: dt.date, email: str
) -> int:
    """Mail its user ID to each member account of `union` with this birth date and address.

    Returns how many were sent (never shown to the requester).
    """
    accounts = _members(union).filter(person__birth_date=birth_date, email__iexact=email)
    login_url = request.build_absolute_uri(reverse("account_login"))
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


def forgot_user_id(request: HttpRequest) -> HttpResponse:
    """「ユーザIDを忘れた方はこちら」: the user ID is mailed; the screen is the same either way."""
    form = ForgotUserIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not ratelimit.consume(request, action="forgot_user_id", key=email.lower()):
            form.add_error(None, RATE_LIMITED)
        else:
            send_user_id_reminders(
                request,
                union=getattr(request, "union", None),
                birth_date=form.cleaned_data["birth_date"],
                email=email,
            )
            messages.info(request, USER_ID_MAIL_SENT)
            messages.info(request, USER_ID_MAIL_ADDRESS % {"email": email})
            messages.info(request, USER_ID_MAIL_LOGIN)
            return redirect("account_login")
    return render(request, "accounts/forgot_user_id.html", {"form": form})
