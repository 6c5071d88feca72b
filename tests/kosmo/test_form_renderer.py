"""kosmo.form_renderer writes <input>/<select> in Python: exactly what Django's templates write."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kosmo.form_renderer import FastWidgetRenderer


class Everything(forms.Form):
    text = forms.CharField(label="名前", max_length=10, help_text="全角")
    month = forms.CharField(widget=forms.TextInput(attrs={"type": "month", "placeholder": "<&>"}))
    number = forms.IntegerField(min_value=0, required=False)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    choice = forms.ChoiceField(choices=[("", "全員"), ("1", "山田 太郎"), ("2", 'a "quoted" <b>')])
    grouped = forms.ChoiceField(
        choices=[("果物", [("a", "りんご"), ("b", "みかん")]), ("c", "その他")], required=False
    )
    typed = forms.TypedChoiceField(choices=[(2025, "2025年"), (2024, "2024年")], coerce=int)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    radio = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect, required=False)
    textarea = forms.CharField(widget=forms.Textarea, required=False)


DATA = {
    "text": "<script>",
    "month": "2025-01",
    "number": "12",
    "email": "a@example.jp",
    "password": "secret&",
    "hidden": mark_safe("<safe>"),
    "date": "2025-03-01",
    "agree": "on",
    "choice": "2",
    "grouped": "b",
    "typed": "2024",
    "many": ["x", "y"],
    "radio": "x",
    "textarea": "a\nb",
}


@pytest.mark.parametrize("data", [None, DATA, {"text": "", "number": "x"}], ids=str)
@pytest.mark.parametrize("name", list(Everything.base_fields))
def test_every_widget_renders_as_the_templates_do(name, data):
    initial = {"date": dt.date(2025, 1, 1), "choice": "1"}
    slow = Everything(data, initial=initial, renderer=DjangoTemplates())
    fast = Everything(data, initial=initial, renderer=FastWidgetRenderer())
    slow.is_bound and slow.is_valid()
    fast.is_bound and fast.is_valid()
    assert str(fast[name]) == str(slow[name])
