"""「診療年月・受診者で絞り込む」."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person


class MonthField(forms.CharField):
    """``2025-01`` (the month input) or ``2025/01``, as the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"})
    default_error_messages = {"invalid": _("診療年月は「2025-01」の形式で入力してください。")}

    def to_python(self, value):
        text = (super().to_python(value) or "").strip().replace("/", "-")
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return dt.date(year, month, 1)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class ClaimFilterForm(forms.Form):
    start = MonthField(label=_("診療年月(から)"), required=False)
    end = MonthField(label=_("診療年月(まで)"), required=False)
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

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("「まで」は「から」以降の年月を指定してください。"))
        return cleaned
