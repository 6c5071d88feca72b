"""Second-factor forms with the manual's labels and messages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import SIGN_OUT_EVERYWHERE
from accounts.models import User

WRONG_CODE = _("ワンタイムパスワードが正しくありません")
NAME_TAKEN = _("すでに登録されているデバイス名です。別の名前を入力してください。")


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("ワンタイムパスワード"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "error_messages", {"required": _("ワンタイムパスワードを入力してください。")}
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 20}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        import unicodedata

        return "".join(unicodedata.normalize("NFKC", super().to_python(value)).split())


class TotpSetupForm(forms.Form):
    """MFA-2 「ワンタイムパスワードの設定」."""

    code = CodeField()
    name = forms.CharField(
        label=_("デバイス名"),
        max_length=64,
        help_text=_("OTPデバイスの管理に役立つデバイス名を指定します。"),
        error_messages={"required": _("デバイス名を入力してください。")},
    )
    sign_out_others = forms.BooleanField(label=SIGN_OUT_EVERYWHERE, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if TOTPDevice.objects.filter(user=self.user, confirmed=True, name=name).exists():
            raise ValidationError(NAME_TAKEN, code="taken")
        return name


class TotpForm(forms.Form):
    """MFA-3: choose the device by name (when there are several), then its code."""

    device = forms.ModelChoiceField(
        label=_("デバイス"),
        queryset=TOTPDevice.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("デバイスを選択してください。")},
    )
    code = CodeField()

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = TOTPDevice.objects.filter(
            pk__in=[device.pk for device in devices]
        ).order_by("created_at", "pk")
        if len(devices) == 1:
            self.fields["device"].widget = forms.HiddenInput()
            self.fields["device"].initial = devices[0].pk
        self.fields["device"].label_from_instance = lambda device: device.name


class EmailCodeForm(forms.Form):
    code = CodeField()


class PasswordForm(forms.Form):
    """Re-authentication, step 1."""

    password = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("パスワードを入力してください。")},
    )


class MethodChoiceForm(forms.Form):
    """「認証方法の設定」 before the first factor: the methods this account can set up."""

    method = forms.ChoiceField(
        label=_("認証方法"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("認証方法を選択してください。"),
            "invalid_choice": _("認証方法を選択してください。"),
        },
    )

    def __init__(self, *args, methods: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = methods
