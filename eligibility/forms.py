"""Input with the manual's messages: the birth-date check, 住所変更, 臓器提供の意思表示."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from eligibility.models import OrganDonationIntent

BIRTH_DATE_REQUIRED = _("生年月日を入力してください。")
BIRTH_DATE_INVALID = _("生年月日を正しく入力してください(年は西暦4桁、月・日は数字)。")
BIRTH_DATE_MISMATCH = _("入力された生年月日が登録されている生年月日と一致しません。")
BIRTH_DATE_LOCKED = _(
    "生年月日の認証に続けて失敗したため、現在ご利用いただけません。"
    "15分ほど時間をおいてから再度お試しください。"
)


def _half_width(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


class BirthDateForm(forms.Form):
    """年 / 月 / 日 of one row of 資格情報のお知らせ (西暦)."""

    # No max_length on the fields: a value too long fails as a field error the row does not
    # show, and then reads as empty; clean() gives the one format message (the input's
    # maxlength still stops a browser typing more).
    year = forms.CharField(label=_("年"), required=False)
    month = forms.CharField(label=_("月"), required=False)
    day = forms.CharField(label=_("日"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, size in (("year", 4), ("month", 2), ("day", 2)):
            self.fields[name].widget.attrs.update(
                {
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "size": size,
                    "maxlength": size,
                    "class": f"birth-date__{name}",
                }
            )

    def clean(self):
        data = super().clean()
        parts = [_half_width(data.get(name, "")) for name in ("year", "month", "day")]
        if not all(parts):
            raise forms.ValidationError(BIRTH_DATE_REQUIRED, code="required")
        year, month, day = parts
        if not (re.fullmatch(r"\d{4}", year) and re.fullmatch(r"\d{1,2}", month)):
            raise forms.ValidationError(BIRTH_DATE_INVALID, code="invalid")
        if not re.fullmatch(r"\d{1,2}", day):
            raise forms.ValidationError(BIRTH_DATE_INVALID, code="invalid")
        try:
            data["birth_date"] = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(BIRTH_DATE_INVALID, code="invalid") from None
        return data


# What members type around the 7 digits: 〒, spaces and the dashes a Japanese IME offers
# (NFKC leaves ‐ − – — ー as they are).
POSTAL_CODE_SEPARATORS = r"[\s〒\-‐‑‒–—―−ー]"


class AddressForm(forms.Form):
    postal_code = forms.CharField(
        label=_("郵便番号"),
        max_length=10,
        help_text=_("例: 160-0023"),
        error_messages={"required": _("郵便番号を入力してください。")},
    )
    address = forms.CharField(
        label=_("住所"),
        max_length=200,
        help_text=_("都道府県から建物名・部屋番号まで入力してください。"),
        error_messages={
            "required": _("住所を入力してください。"),
            "max_length": _("住所は200文字以内で入力してください。"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code"}
        )
        self.fields["address"].widget.attrs.update({"autocomplete": "street-address"})

    def clean_postal_code(self) -> str:
        digits = re.sub(POSTAL_CODE_SEPARATORS, "", _half_width(self.cleaned_data["postal_code"]))
        if not re.fullmatch(r"[0-9]{7}", digits):
            raise forms.ValidationError(
                _("郵便番号は7桁の数字で入力してください(例: 160-0023)。"), code="invalid"
            )
        return f"{digits[:3]}-{digits[3:]}"

    def clean_address(self) -> str:
        address = " ".join(self.cleaned_data["address"].split())
        if not address:
            raise forms.ValidationError(_("住所を入力してください。"), code="required")
        return address


# The choices as the card and the selection screen word them (the confirmation shows the
# model's shorter wording, as the manual's 入力内容確認 does).
ORGAN_CHOICE_LABELS = [
    (
        OrganDonationIntent.Choice.ANY,
        _("1. 私は、脳死後及び心臓が停止した死後のいずれでも、移植のために臓器を提供します。"),
    ),
    (
        OrganDonationIntent.Choice.CARDIAC_ONLY,
        _("2. 私は、心臓が停止した死後に限り、移植のために臓器を提供します。"),
    ),
    (OrganDonationIntent.Choice.NONE, _("3. 私は、臓器を提供しません。")),
]


class OrganDonationForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("臓器提供の意思表示内容"),
        choices=ORGAN_CHOICE_LABELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("1〜3のいずれかを選択してください。"),
            "invalid_choice": _("1〜3のいずれかを選択してください。"),
        },
    )
    excluded_organs = forms.MultipleChoiceField(
        label=_("提供しなくてよい臓器"),
        help_text=_("1又は2を選択した方で、提供しなくてよい臓器があればチェックを付けてください。"),
        choices=OrganDonationIntent.Organ.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("提供しなくてよい臓器は一覧の中から選択してください。"),
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("choice") == OrganDonationIntent.Choice.NONE and data.get("excluded_organs"):
            self.add_error(
                "excluded_organs",
                forms.ValidationError(
                    _("3を選択した場合は、提供しなくてよい臓器にチェックを付けないでください。"),
                    code="inconsistent",
                ),
            )
        return data
