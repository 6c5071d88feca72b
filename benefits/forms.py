"""「支給年月、対象者、給付種別で絞り込む」."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from benefits.models import BenefitType
from kosmo.models import Person


class MonthField(forms.CharField):
    """``2025-01`` (the month input) or ``2025/01``, as the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"})
    default_error_messages = {"invalid": _("支給年月は「2025-01」の形式で入力してください。")}

    def to_python(self, value):
        text = (super().to_python(value) or "").strip().replace("/", "-")
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return dt.date(year, month, 1)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class PaymentFilterForm(forms.Form):
    start = MonthField(label=_("支給年月(から)"), required=False)
    end = MonthField(label=_("支給年月(まで)"), required=False)
    person = forms.ModelChoiceField(
        label=_("対象者"), queryset=Person.objects.none(), required=False, empty_label=_("全員")
    )
    benefit_type = forms.ModelChoiceField(
        label=_("給付種別"),
        queryset=BenefitType.objects.none(),
        required=False,
        empty_label=_("すべて"),
    )

    def __init__(self, *args, persons, benefit_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["person"].label_from_instance = lambda person: person.full_name
        self.fields["benefit_type"].queryset = benefit_types

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("「まで」は「から」以降の年月を指定してください。"))
        return cleaned

    def chosen(self) -> dict:
        """person_id and benefit_type_id for the queries (None: everyone, every type)."""
        person = self.cleaned_data.get("person")
        benefit_type = self.cleaned_data.get("benefit_type")
        return {
            "person_id": person.pk if person else None,
            "benefit_type_id": benefit_type.pk if benefit_type else None,
        }
