"""Form pieces the member pages share: a month field and a 「から」–「まで」 period of months."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class MonthField(forms.CharField):
    """``2025-01`` (the month input) or ``2025/01``, as the first day of that month.

    Each page names its month in the message (「支給年月は…」, 「診療年月は…」): pass it as
    ``error_messages={"invalid": …}``.
    """

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"})

    def to_python(self, value) -> dt.date | None:
        text = (super().to_python(value) or "").strip().replace("/", "-")
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return dt.date(year, month, 1)
        except (ValueError, OverflowError):  # OverflowError: a year of 20 digits
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class PersonChoiceField(forms.TypedChoiceField):
    """「受診者」 or 「対象者」: everyone (empty) or one of the persons the member may see, as
    the view read them once (kosmo.scoping.visible_persons) for the choices and for checking
    the answer. Cleans to the Person, or None for everyone; any other id is refused with
    Django's 「正しく選択してください。」."""

    def __init__(self, *, label, everyone_label, **kwargs):
        super().__init__(label=label, coerce=int, required=False, empty_value=None, **kwargs)
        self.everyone_label = everyone_label
        self.persons: dict = {}

    def set_persons(self, persons) -> None:
        self.persons = {person.pk: person for person in persons}
        self.choices = [
            ("", self.everyone_label),
            *((pk, person.full_name) for pk, person in self.persons.items()),
        ]

    def clean(self, value):
        pk = super().clean(value)
        return None if pk is None else self.persons[pk]


class MonthRangeForm(forms.Form):
    """A filter with ``start`` and ``end`` month fields: 「まで」 may not come before 「から」."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("「まで」は「から」以降の年月を指定してください。"))
        return cleaned
