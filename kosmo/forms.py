"""Form pieces the member pages share: a month field and a 「から」–「まで」 period of months."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo import dates


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
    """A filter with ``start`` (「から」) and ``end`` (「まで」) month fields over a page that
    shows one calendar year by default (`year`, that of the newest data; this year if not
    given).

    A blank side is that year's January or December, and the period it makes is checked
    whichever side is blank: 「まで」 may not come before 「から」. A valid form's
    ``cleaned_data`` carries the whole period; `period()` is what the page shows.
    """

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        year = year or timezone.localdate().year
        self.default_start = dt.date(year, 1, 1)
        self.default_end = dt.date(year, 12, 1)

    def clean(self):
        cleaned = super().clean()
        if self.has_error("start") or self.has_error("end"):
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("「まで」は「から」以降の年月を指定してください。"))
        elif start is None and end is not None and end < self.default_start:
            self.add_error(
                "start",
                _(
                    "「から」を指定してください。省略すると%(month)sからになり、「まで」より後になります。"
                )
                % {"month": dates.format_month(self.default_start)},
            )
        elif end is None and start is not None and start > self.default_end:
            self.add_error(
                "end",
                _(
                    "「まで」を指定してください。省略すると%(month)sまでになり、「から」より前になります。"
                )
                % {"month": dates.format_month(self.default_end)},
            )
        else:
            cleaned["start"] = start or self.default_start
            cleaned["end"] = end or self.default_end
        return cleaned

    def period(self) -> tuple[dt.date, dt.date]:
        """The months from and to that the page shows: those chosen, or the default year when
        nothing (valid) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_start, self.default_end
