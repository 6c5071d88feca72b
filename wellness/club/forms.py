from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 100


class SearchForm(forms.Form):
    """③ フリーワード検索."""

    q = forms.CharField(
        label=_("フリーワード検索"),
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": _("キーワードを入力してください。"),
            "max_length": _("キーワードは%(limit_value)d文字以内で入力してください。"),
        },
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("キーワードを入力")}),
    )


class FavouriteForm(forms.Form):
    """The heart: the state wanted, so a second identical submit changes nothing."""

    favourite = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
