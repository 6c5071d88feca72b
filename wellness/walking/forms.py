"""Input of 歩Fes. with the Japanese messages shown beside each field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wellness.walking.models import Emblem, Stamp

NICKNAME_MAX = 20
TEAM_NAME_MAX = 30


class NicknameForm(forms.Form):
    nickname = forms.CharField(
        label=_("ニックネーム"),
        max_length=NICKNAME_MAX,
        help_text=_("ランキングに表示されます(20文字まで)。"),
        error_messages={
            "required": _("ニックネームを入力してください。"),
            "max_length": _("ニックネームは20文字以内で入力してください。"),
        },
    )

    def clean_nickname(self) -> str:
        value = self.cleaned_data["nickname"].strip()
        if not value:
            raise forms.ValidationError(_("ニックネームを入力してください。"))
        return value


class TeamNameForm(forms.Form):
    name = forms.CharField(
        label=_("チーム名"),
        max_length=TEAM_NAME_MAX,
        error_messages={
            "required": _("チーム名を入力してください。"),
            "max_length": _("チーム名は30文字以内で入力してください。"),
        },
    )

    def clean_name(self) -> str:
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("チーム名を入力してください。"))
        return value


class TeamForm(TeamNameForm):
    emblem = forms.ChoiceField(
        label=_("チームエンブレム"),
        choices=Emblem.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("チームエンブレムを選択してください。"),
            "invalid_choice": _("チームエンブレムを選択してください。"),
        },
    )


class TeamSearchForm(forms.Form):
    code = forms.CharField(
        label=_("チームID"),
        max_length=20,
        error_messages={"required": _("チームIDを入力してください。")},
    )


class StampForm(forms.Form):
    stamp = forms.ChoiceField(
        label=_("スタンプ"),
        choices=Stamp.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("スタンプを選択してください。"),
            "invalid_choice": _("スタンプを選択してください。"),
        },
    )
