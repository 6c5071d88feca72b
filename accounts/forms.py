"""Account forms with the manual's labels and messages."""

from __future__ import annotations

import datetime as dt
import re

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import validators
from accounts.models import MfaMethod, TermsVersion, User

BIRTH_DATE_INVALID = _("生年月日を正しく入力してください。(入力例:19790822)")
BIRTH_DATE_MISMATCH = _("生年月日が一致しません。ご登録の生年月日を入力してください。")
SIGN_OUT_EVERYWHERE = _("全てのデバイスからサインアウトする")
_BIRTH_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$|^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$")


def parse_birth_date(value: str) -> dt.date | None:
    """19790822, 1979/08/22, 1979-8-22 and their full-width forms; None when not a date."""
    match = _BIRTH_DATE.match(validators.normalize_input(value).replace(" ", ""))
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups() if part is not None))
    except ValueError:
        return None


class LoginForm(AllauthLoginForm):
    """ACC-1: 「ユーザID」「パスワード」「ログイン状態の保存」."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("ユーザID")
        self.fields["login"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "placeholder": ""}
        )
        self.fields["password"].label = _("パスワード")
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs["placeholder"] = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("ログイン状態の保存")


class BirthDateForm(forms.Form):
    """First login, step 4: 本人確認 by birth date."""

    birth_date = forms.CharField(
        label=_("生年月日"),
        help_text=_("入力例:19790822"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_birth_date(self) -> dt.date:
        birth_date = parse_birth_date(self.cleaned_data["birth_date"])
        if birth_date is None:
            raise ValidationError(BIRTH_DATE_INVALID, code="invalid")
        if birth_date != self.user.person.birth_date:
            raise ValidationError(BIRTH_DATE_MISMATCH, code="mismatch")
        return birth_date


class TermsForm(forms.Form):
    """「同意する」 to exactly the version that was shown."""

    terms = forms.ModelChoiceField(queryset=TermsVersion.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, terms: TermsVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = TermsVersion.objects.filter(pk=terms.pk)
        self.fields["terms"].initial = terms.pk
        self.fields["terms"].error_messages["invalid_choice"] = _(
            "利用規約が更新されました。最新の利用規約をお読みのうえ、同意してください。"
        )


class EmailForm(forms.Form):
    """ACC-3 e-mail address (first login and 「Eメール変更」)."""

    email = forms.CharField(
        label=_("メールアドレス"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )

    def __init__(self, *args, user: User, sign_out_choice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if sign_out_choice:
            self.fields["sign_out_others"] = forms.BooleanField(
                label=SIGN_OUT_EVERYWHERE, required=False
            )

    def clean_email(self) -> str:
        email = validators.normalize_email(self.cleaned_data.get("email"))
        validators.validate_email_address(email)
        if email_taken_in_union(email, user=self.user):
            raise ValidationError(validators.EMAIL_TAKEN, code="taken")
        return email


def email_taken_in_union(email: str, *, user: User) -> bool:
    """Whether another account of `user`'s union uses this address. Unique per union: an
    address used in another union is never refused here, so no portal tells it is in use."""
    return (
        User.objects.filter(union_id=user.union_id, email__iexact=email)
        .exclude(pk=user.pk)
        .exists()
        or EmailAddress.objects.filter(
            user__union_id=user.union_id, email__iexact=email, verified=True
        )
        .exclude(user=user)
        .exists()
    )


class UserIdField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("ユーザID"))
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return validators.normalize_user_id(super().to_python(value))


def _clean_user_id(user_id: str, *, user: User) -> str:
    validators.validate_user_id(user_id)
    if User.objects.filter(username=user_id).exclude(pk=user.pk).exists():
        raise ValidationError(validators.USER_ID_TAKEN, code="taken")
    return user_id


class UserIdAndMethodForm(forms.Form):
    """First login, step 9: 「ユーザIDの変更・認証方法の設定」."""

    user_id = UserIdField(required=False)
    mfa_method = forms.ChoiceField(
        label=_("認証方法"),
        choices=MfaMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("認証方法を選択してください。")},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_user_id(self) -> str:
        return _clean_user_id(self.cleaned_data["user_id"], user=self.user)


class ProfileForm(forms.Form):
    """ACC-7 「プロフィール変更」: the fields a member may change."""

    language = forms.ChoiceField(label=_("言語"), choices=[("ja", "日本語")])
    user_id = UserIdField(required=False)
    mfa_method = forms.ChoiceField(label=_("認証方法"), choices=MfaMethod.choices)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_user_id(self) -> str:
        return _clean_user_id(self.cleaned_data["user_id"], user=self.user)


class PasswordForm(forms.Form):
    """ACC-5 / ACC-9: 「パスワード」「パスワード確認用」."""

    password1 = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("パスワードを入力してください。")},
    )
    password2 = forms.CharField(
        label=_("パスワード確認用"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("パスワード確認用を入力してください。")},
    )

    def __init__(self, *args, user: User | None, sign_out_choice: bool = False, **kwargs):
        # `user` is None only on an invalid reset link, where the form is never validated.
        super().__init__(*args, **kwargs)
        self.user = user
        union = user.union if user is not None else None
        self.fields["password1"].help_text = _(
            "%(min)d文字以上%(max)d文字以内、半角英数字と記号で入力してください。"
        ) % {
            "min": union.password_min_length if union else 8,
            "max": union.password_max_length if union else 64,
        }
        if sign_out_choice:
            self.fields["sign_out_others"] = forms.BooleanField(
                label=SIGN_OUT_EVERYWHERE, required=False
            )

    def clean_password1(self) -> str:
        password = self.cleaned_data["password1"]
        validators.validate_password_for(
            password, union=self.user.union, user_id=self.user.username
        )
        if self.user.check_password(password):
            raise ValidationError(validators.PASSWORD_IS_CURRENT, code="is_current")
        # Django's checks (AUTH_PASSWORD_VALIDATORS): common passwords, too like the user ID.
        password_validation.validate_password(password, user=self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(validators.PASSWORD_MISMATCH, "mismatch"))
        return cleaned
