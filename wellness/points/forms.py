"""The shipping address of goods (manual §4-16 (1)-3) and the confirmation step's token."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class ShippingForm(forms.Form):
    recipient_name = forms.CharField(
        label=_("お名前"),
        max_length=60,
        error_messages={"required": _("お名前を入力してください。")},
    )
    postal_code = forms.CharField(
        label=_("郵便番号"),
        max_length=8,
        help_text=_("入力例:1000001"),
        validators=[
            RegexValidator(r"^\d{3}-?\d{4}$", _("郵便番号は7桁の数字で入力してください。"))
        ],
        error_messages={"required": _("郵便番号を入力してください。")},
    )
    address = forms.CharField(
        label=_("住所"),
        max_length=200,
        error_messages={"required": _("住所を入力してください。")},
    )
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=20,
        validators=[
            RegexValidator(r"^[0-9-]{10,13}$", _("電話番号は数字とハイフンで入力してください。"))
        ],
        error_messages={"required": _("電話番号を入力してください。")},
    )

    def clean_postal_code(self) -> str:
        return self.cleaned_data["postal_code"].replace("-", "")


class ConfirmForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
