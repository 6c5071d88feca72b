"""Input of チャレンジ記録 with the screens' Japanese messages; the rules themselves are in
services (period_errors, date_refusal)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from wellness.challenges import services
from wellness.challenges.models import Challenge, PresetChallenge

DATE_INVALID = _("日付を正しく入力してください。")
DEFAULT_DAYS = 30  # the end date offered first: a month's challenge


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, required_message) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"required": required_message, "invalid": DATE_INVALID},
    )


class PeriodForm(forms.Form):
    """開始日・終了日 of a new challenge (from today, at most services.MAX_DAYS days)."""

    start_on = date_field(_("チャレンジ開始日"), _("チャレンジ開始日を選択してください。"))
    end_on = date_field(_("チャレンジ終了日"), _("チャレンジ終了日を選択してください。"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start_on"].initial = today
        self.fields["end_on"].initial = today + dt.timedelta(days=DEFAULT_DAYS - 1)

    def clean(self):
        cleaned = super().clean()
        start_on, end_on = cleaned.get("start_on"), cleaned.get("end_on")
        if start_on and end_on:
            for field, message in services.period_errors(start_on, end_on, self.today).items():
                self.add_error(field, message)
        return cleaned


class PresetForm(PeriodForm):
    """(c) 挑戦するチャレンジ of the stage, then the dates (d)."""

    preset = forms.ModelChoiceField(
        label=_("挑戦するチャレンジ"),
        queryset=PresetChallenge.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("挑戦するチャレンジを選択してください。"),
            "invalid_choice": _("挑戦するチャレンジを選択してください。"),
        },
    )
    field_order = ["preset", "start_on", "end_on"]

    def __init__(self, *args, presets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].queryset = presets


class CustomForm(PeriodForm):
    """(1)-2 自分でチャレンジを作成する: the member writes the challenge (g)."""

    title = forms.CharField(
        label=_("挑戦するチャレンジ"),
        max_length=Challenge._meta.get_field("title").max_length,
        help_text=_("例: 毎朝ストレッチをする"),
        error_messages={
            "required": _("挑戦するチャレンジを入力してください。"),
            "max_length": _("挑戦するチャレンジは%(limit_value)s文字以内で入力してください。"),
        },
    )
    field_order = ["title", "start_on", "end_on"]


RESULT_CHOICES = [("1", "○"), ("0", "×")]


class RecordForm(forms.Form):
    """The record modal: the date and 成果 ○ / × of one challenge (e)."""

    date = date_field(_("日付"), _("日付を選択してください。"))
    result = forms.ChoiceField(
        label=_("成果"),
        choices=RESULT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("成果を「○」「×」から選択してください。"),
            "invalid_choice": _("成果を「○」「×」から選択してください。"),
        },
    )

    def __init__(self, *args, challenge: Challenge, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge, self.today = challenge, today
        # The calendar offers the dates that can be recorded (the server checks them again).
        self.fields["date"].widget.attrs.update(
            {
                "min": challenge.start_on.isoformat(),
                "max": min(challenge.end_on, today).isoformat(),
                "data-challenge-date": "",
            }
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        refusal = services.date_refusal(self.challenge, day, self.today)
        if refusal:
            raise forms.ValidationError(refusal)
        return day

    @property
    def achieved(self) -> bool:
        return self.cleaned_data["result"] == "1"


class BulkForm(forms.Form):
    """まとめて記録: ○ / × for each challenge of one date; a challenge left blank is kept."""

    def __init__(self, *args, challenges: list[Challenge], **kwargs):
        super().__init__(*args, **kwargs)
        self.challenges = challenges
        for challenge in challenges:
            self.fields[self.key(challenge)] = forms.ChoiceField(
                label=challenge.title,
                choices=RESULT_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=None if challenge.mark is None else ("1" if challenge.mark else "0"),
                error_messages={"invalid_choice": _("成果を「○」「×」から選択してください。")},
            )

    @staticmethod
    def key(challenge: Challenge) -> str:
        return f"challenge_{challenge.pk}"

    def rows(self):
        return [(challenge, self[self.key(challenge)]) for challenge in self.challenges]

    def marks(self) -> list[tuple[Challenge, bool]]:
        """The challenges given a ○ or ×, with it."""
        return [
            (challenge, self.cleaned_data[self.key(challenge)] == "1")
            for challenge in self.challenges
            if self.cleaned_data.get(self.key(challenge))
        ]


def parse_day(value: str | None, default: dt.date) -> dt.date | None:
    """A ``?date=YYYY-MM-DD`` of a page: `default` when absent, None when malformed."""
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
