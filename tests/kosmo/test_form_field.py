"""components/field.html, now written by kosmo.form_field, gives byte for byte what the
template gave (its former text: tests/kosmo/oracles/field.html) for every kind of field."""

from pathlib import Path

import pytest
from django import forms
from django.template import Context, Engine, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

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


ORACLES = Engine(
    dirs=[str(Path(__file__).parent)],
    libraries={"i18n": "django.templatetags.i18n"},
)


class Filter(forms.Form):
    start = forms.CharField(label="診療年月(から)", required=False)
    person = forms.TypedChoiceField(
        label="受診者", choices=[("", "全員"), (1, "山田 <太郎>")], coerce=int, required=False
    )

    def clean(self):
        if self.cleaned_data.get("start") == "both":
            raise forms.ValidationError("「まで」は<「から」>以降")
        return self.cleaned_data


FILTERS = {
    "unbound": Filter(),
    "bound valid": Filter({"start": "2025-01", "person": "1"}),
    "field errors": Filter({"person": "9"}),
    "field and form errors": Filter({"start": "both", "person": "9"}),
    "no auto_id": Filter({"person": "9"}, auto_id=False),
}


@pytest.mark.parametrize("form", FILTERS.values(), ids=list(FILTERS))
def test_the_error_summary_as_the_template_wrote_it(form):
    expected = ORACLES.get_template("oracles/form_errors.html").render(Context({"form": form}))
    assert render_to_string("components/form_errors.html", {"form": form}) == expected


@pytest.mark.parametrize(
    "summary", ["診療年月・受診者で絞り込む", "<b>&</b>", mark_safe("<b>safe</b>")]
)
@pytest.mark.parametrize("form", FILTERS.values(), ids=list(FILTERS))
def test_the_filter_as_the_template_wrote_it(form, summary):
    context = {"form": form, "summary": summary}
    expected = ORACLES.get_template("oracles/filter_form.html").render(Context(context))
    tag = Template("{% load kosmo %}{% filter_form form summary %}").render(Context(context))
    assert tag == expected


class ConstantStartFilter(Filter):
    unbound_constant = ("start",)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    "data", [None, {"start": "2025-01"}, {"person": "9"}], ids=["unbound", "bound", "errors"]
)
def test_a_field_written_once_is_what_the_template_wrote(data, language):
    with translation.override(language):
        for _ in range(2):  # the second time from what was kept
            form = ConstantStartFilter(data)
            context = {"form": form, "summary": "絞り込み"}
            expected = ORACLES.get_template("oracles/filter_form.html").render(Context(context))
            tag = Template("{% load kosmo %}{% filter_form form summary %}")
            assert tag.render(Context(context)) == expected
