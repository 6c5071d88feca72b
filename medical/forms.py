"""「診療年月・受診者で絞り込む」."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kosmo.forms import MonthField, MonthRangeForm
from kosmo.models import Person

INVALID_MONTH = {"invalid": _("診療年月は「2025-01」の形式で入力してください。")}


class ClaimFilterForm(MonthRangeForm):
    start = MonthField(label=_("診療年月(から)"), required=False, error_messages=INVALID_MONTH)
    end = MonthField(label=_("診療年月(まで)"), required=False, error_messages=INVALID_MONTH)
    person = forms.TypedChoiceField(label=_("受診者"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        # The persons are read once, for the choices and for checking the answer.
        self.persons = {person.pk: person for person in persons}
        self.fields["person"].choices = [
            ("", _("全員")),
            *((pk, person.full_name) for pk, person in self.persons.items()),
        ]

    def clean_person(self) -> Person | None:
        pk = self.cleaned_data["person"]
        return None if pk is None else self.persons[pk]
