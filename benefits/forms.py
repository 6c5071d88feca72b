"""「支給年月、対象者、給付種別で絞り込む」."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.models import BenefitType
from kosmo.forms import MonthField, MonthRangeForm, PersonChoiceField

INVALID_MONTH = {"invalid": _("支給年月は「2025-01」の形式で入力してください。")}


class PaymentFilterForm(MonthRangeForm):
    start = MonthField(label=_("支給年月(から)"), required=False, error_messages=INVALID_MONTH)
    end = MonthField(label=_("支給年月(まで)"), required=False, error_messages=INVALID_MONTH)
    person = PersonChoiceField(label=_("対象者"), everyone_label=_("全員"))
    benefit_type = forms.ModelChoiceField(
        label=_("給付種別"),
        queryset=BenefitType.objects.none(),
        required=False,
        empty_label=_("すべて"),
    )

    def __init__(self, *args, persons, benefit_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].set_persons(persons)
        self.fields["benefit_type"].queryset = benefit_types

    def chosen(self) -> dict:
        """person_id and benefit_type_id for the queries (None: everyone, every type)."""
        person = self.cleaned_data.get("person")
        benefit_type = self.cleaned_data.get("benefit_type")
        return {
            "person_id": person.pk if person else None,
            "benefit_type_id": benefit_type.pk if benefit_type else None,
        }
