"""components/field.html, now written by kosmo.form_field, gives byte for byte what the
template gave (its former text: tests/kosmo/oracles/field.html) for every kind of field."""

from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string

ORACLE = Template((Path(__file__).parent / "oracles" / "field.html").read_text(encoding="utf-8"))


class EveryKind(forms.Form):
    name = forms.CharField(label="氏名 & <よみ>", help_text="全角で入力 <b>例</b>", max_length=5)
    optional = forms.CharField(label="ニックネーム", required=False)
    remember = forms.BooleanField(label="ログイン状態の保存", required=False)
    agree = forms.BooleanField(label="同意する")
    year = forms.TypedChoiceField(label="発行対象年", choices=[(2025, "2025年")], coerce=int)
    body = forms.CharField(label="本文", widget=forms.Textarea)
    file = forms.FileField(label="ファイル", help_text="PDF・JPEG")
    month = forms.CharField(label="年月", widget=forms.TextInput(attrs={"type": "month"}))
    secret = forms.CharField(label="パスワード", widget=forms.PasswordInput)
    topics = forms.ChoiceField(
        label="種別", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("全体のエラー")


FORMS = {
    "unbound": EveryKind(),
    "bound with errors": EveryKind({"name": "長すぎる名前です", "body": "", "agree": ""}),
    "bound valid fields": EveryKind(
        {
            "name": "太郎",
            "optional": "x",
            "remember": "on",
            "agree": "on",
            "year": "2025",
            "body": "<p>本文</p>",
            "month": "2025-01",
            "secret": "pw",
            "topics": "a",
        }
    ),
    "no auto_id": EveryKind(auto_id=False),
    "prefixed": EveryKind({"p-name": "<script>"}, prefix="p"),
}


@pytest.mark.parametrize("show_required", [True, False, None, "missing"])
@pytest.mark.parametrize("form", FORMS.values(), ids=list(FORMS))
def test_every_field_as_the_template_wrote_it(form, show_required):
    form.is_valid()
    for field in form:
        context = {"field": field}
        if show_required != "missing":
            context["show_required"] = show_required
        expected = ORACLE.render(Context(context))
        assert render_to_string("components/field.html", context) == expected, field.name
