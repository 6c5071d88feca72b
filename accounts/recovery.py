"""Forgotten password (ACC-10, manual §3-3) and forgotten user ID (ACC-11, manual §3-4).

The reset itself runs in django-allauth's views (`account_reset_password`,
`account_reset_password_from_key`); ACCOUNT_FORMS points them at the two forms here.
Neither page ever tells whether an account exists: every accepted request ends on the login
page with the same message, whether or not a mail was sent, and costs the same: the account is
looked up and mailed after the response (accounts.tasks).
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from allauth.core import context
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import alerts, lockout, ratelimits, services, tasks, validators
from accounts.adapter import AccountAdapter
from accounts.forms import BIRTH_DATE_INVALID, PasswordForm, parse_birth_date
from accounts.models import SecurityEvent, User

RESET_MAIL_SENT = _("詳細な手順を記載したメールをすぐに受信してください。")
USER_ID_MAIL_SENT = _("以下のメールアドレスにメールを送信しました。")
USER_ID_MAIL_ADDRESS = _("あなたのメールアドレス: %(email)s")
USER_ID_MAIL_LOGIN = _("メールに記載されているユーザIDでログインしてください。")
RATE_LIMITED = AccountAdapter.error_messages["rate_limited"]
BIRTH_DATE_REQUIRED = _("生年月日を入力してください。")
STILL_LOCKED = _(
    "パスワードを再設定しましたが、アカウントはロックされたままです。"
    "ロックはご加入の健保組合が解除します。ご加入の健保組合までお問い合わせください。"
)


def _rate_limit_refusal(request: HttpRequest, *, action: str, key: str) -> str | None:
    """What the request is told if one more does not fit ACCOUNT_RATE_LIMITS[action] (nothing
    is counted), or while Redis is unavailable (the mail is queued through it:
    accounts.ratelimits); None when it fits."""
    return ratelimits.refusal(request, action=action, key=key, dry_run=True)


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
            refusal = _rate_limit_refusal(context.request, action="reset_password", key=user_id)
            if refusal is not None:
                raise ValidationError(refusal, code="rate_limited")
        return cleaned

    def save(self, request: HttpRequest, **kwargs) -> str:
        # The account is looked up and mailed after the response (accounts.tasks), so an
        # existing user ID and an unknown one cost this page the same.
        user_id = self.cleaned_data["user_id"]
        union = getattr(request, "union", None)
        transaction.on_commit(
            partial(
                tasks.send_password_reset.delay,
                union.pk if union is not None else None,
                user_id,
                request.build_absolute_uri("/"),
            )
        )
        messages.info(request, RESET_MAIL_SENT)
        return user_id


class ResetPasswordKeyForm(PasswordForm):
    """The 「パスワードをリセット」 link's page: 「パスワード」「パスワード確認用」.

    allauth's PasswordResetFromKeyView passes the account (`user`, None when the link is
    invalid) and the key; a valid form replaces the password and ends every session.
    """

    def __init__(self, *args, user: User | None = None, temp_key: str | None = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.temp_key = temp_key

    @property
    def account_locked(self) -> bool:
        """Staff's lock (アカウントロック) outlives a reset: the page says so beforehand."""
        return self.user is not None and self.user.locked_at is not None

    @property
    def union_contact(self) -> str:
        return lockout.union_contact(self.user.union) if self.user is not None else ""

    def save(self) -> None:
        # allauth's view calls save() without the request; its middleware keeps it in context.
        request = context.request
        services.set_password(
            user=self.user,
            password=self.cleaned_data["password1"],
            request=request,
            sign_out_others=True,
            kind=SecurityEvent.Kind.PASSWORD_RESET,
        )
        alerts.password_changed(user=self.user, request=request)
        # Opening the mailed link proved control of the account: the temporary lock goes.
        lockout.lift_temporary_lock(user=self.user, request=request)
        if self.account_locked:
            messages.warning(request, STILL_LOCKED)


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


def forgot_user_id(request: HttpRequest) -> HttpResponse:
    """「ユーザIDを忘れた方はこちら」: the user ID is mailed; the screen is the same either way."""
    form = ForgotUserIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refusal = ratelimits.refusal(request, action="forgot_user_id", key=email.lower())
        if refusal is not None:
            form.add_error(None, refusal)
        else:
            # Looked up and mailed after the response (accounts.tasks): the same cost whether
            # or not an account matches.
            union = getattr(request, "union", None)
            transaction.on_commit(
                partial(
                    tasks.send_user_id_reminders.delay,
                    union.pk if union is not None else None,
                    form.cleaned_data["birth_date"].isoformat(),
                    email,
                    request.build_absolute_uri(reverse("account_login")),
                )
            )
            messages.info(request, USER_ID_MAIL_SENT)
            messages.info(request, USER_ID_MAIL_ADDRESS % {"email": email})
            messages.info(request, USER_ID_MAIL_LOGIN)
            return redirect("account_login")
    return render(request, "accounts/forgot_user_id.html", {"form": form})
