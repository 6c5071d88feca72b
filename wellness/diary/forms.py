"""Input of 健康日記 with the screens' messages: the terms, the diary profile (the shared
プロフィール設定's form, nickname required), a post and a report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notices.forms import ProfileForm
from wellness.diary import images
from wellness.diary.models import POST_MAX_LENGTH, Report


class TermsForm(forms.Form):
    agree = forms.BooleanField(
        label=_("利用規約に同意する"),
        error_messages={"required": _("「利用規約に同意する」にチェックを入れてください。")},
    )


class DiaryProfileForm(ProfileForm):
    """The same プロフィール設定 as 個人設定; the diary shows the nickname, so it is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nickname = self.fields["nickname"]
        nickname.required = True
        nickname.error_messages["required"] = _("ニックネームを入力してください。")


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("投稿内容"),
        max_length=POST_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("投稿内容を入力してください。"),
            "max_length": _("投稿内容は%(limit_value)d文字以内で入力してください。"),
        },
    )
    image = forms.FileField(
        label=_("画像"),
        required=False,
        help_text=_("画像は1度の投稿につき1枚まで投稿できます(10MB以内のpng/jpg/gifのみ)。"),
        widget=forms.ClearableFileInput(attrs={"accept": images.ACCEPT}),
    )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        return images.reencode(upload)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("通報内容"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("通報内容を選択してください。"),
            "invalid_choice": _("通報内容を選択してください。"),
        },
    )
