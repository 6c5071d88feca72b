"""The record modal, 「まとめて記録」, 「記録項目表示設定」 and the step-import upload, with the
Japanese messages the tests assert."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wellness.records import services
from wellness.records.items import Item, Items

MAX_UPLOAD_BYTES = 2 * 1024**3  # Apple exports of many years reach a few hundred MB


def _value_field(item: Item, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{item.name}" + (f" ({item.unit})" if item.unit else ""),
        required=required,
        max_digits=10,
        decimal_places=item.places,
        widget=forms.NumberInput(attrs={"step": item.step, "inputmode": "decimal"}),
        error_messages={
            "required": _("値を入力してください。"),
            "invalid": _("数値を入力してください。"),
            "max_decimal_places": _("小数点以下は%(max)s桁までで入力してください。"),
            "max_digits": services.range_message(item),
            "max_whole_digits": services.range_message(item),
        },
    )


class DateField(forms.DateField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label=_("日付"),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={
                "required": _("日付を入力してください。"),
                "invalid": _("日付を正しく入力してください。"),
            },
            **kwargs,
        )


def _check_date(day: dt.date | None) -> None:
    if day is not None and day > services.today():
        raise forms.ValidationError(_(services.FUTURE_DATE), code="future")


class RecordForm(forms.Form):
    """The record modal of one item: a date (today by default) and its value."""

    date = DateField()

    def __init__(self, *args, item: Item, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["value"] = _value_field(item, required=True)
        self.fields["date"].widget.attrs["max"] = services.today().isoformat()

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        _check_date(day)
        return day

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        if value is not None and not self.item.in_range(value):
            raise forms.ValidationError(services.range_message(self.item), code="range")
        return value


class BulkForm(forms.Form):
    """「まとめて記録」: one date and any of the items; blank items are left as they are."""

    date = DateField()

    def __init__(self, *args, items: Items, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items.recordable
        self.fields["date"].widget.attrs["max"] = services.today().isoformat()
        for item in self.items:
            self.fields[item.key] = _value_field(item, required=False)

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        _check_date(day)
        return day

    def clean(self):
        cleaned = super().clean()
        filled = 0
        for item in self.items:
            value = cleaned.get(item.key)
            if value is None:
                continue
            filled += 1
            if not item.in_range(value):
                self.add_error(item.key, services.range_message(item))
        if not filled and not self.errors:
            raise forms.ValidationError(_("記録する項目に値を入力してください。"))
        return cleaned

    def values(self) -> list[tuple[Item, Decimal]]:
        return [
            (item, self.cleaned_data[item.key])
            for item in self.items
            if self.cleaned_data.get(item.key) is not None
        ]


class DisplaySettingsForm(forms.Form):
    """「記録項目表示設定」: a checkbox per item, checked = shown on the records top page."""

    shown = forms.MultipleChoiceField(
        label=_("表示する項目"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, items: Items, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items.enabled
        self.fields["shown"].choices = [(item.key, item.name) for item in self.items]

    def hidden(self) -> list[str]:
        shown = set(self.cleaned_data["shown"])
        return [item.key for item in self.items if item.key not in shown]


class ImportForm(forms.Form):
    """The step import: an Apple Health export or a Health Connect / Google Fit CSV."""

    file = forms.FileField(
        label=_("書き出したファイル"),
        help_text=_(
            "iPhone の「ヘルスケア」から書き出した export.zip (または export.xml)、"
            "Health Connect / Google Fit の CSV ファイルを選んでください。"
        ),
        error_messages={"required": _("ファイルを選んでください。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（2GBまで）。"))
        return upload
