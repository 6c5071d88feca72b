"""Input validation with the manual's messages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from dependents import files, rules
from dependents.models import DependentSurvey, Inquiry, Question

ANSWER_REQUIRED = _("この設問に回答してください。")
AMOUNT_INVALID = _("金額は0以上の整数(円)で入力してください。")
YES_NO_CHOICES = [(rules.YES, _("はい")), (rules.NO, _("いいえ"))]


def field_name(question: Question) -> str:
    return f"q_{question.code}"


class QuestionsForm(forms.Form):
    """STEP2 設問: one field per question this dependent may be asked. A follow-up is required
    only when its parent was answered so (the page shows it beneath, and hides it with
    JavaScript when it does not apply)."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.by_id = {question.pk: question for question in questions}
        for question in questions:
            self.fields[field_name(question)] = self._field(question)

    def _field(self, question: Question) -> forms.Field:
        common = {"label": question.text, "required": False, "help_text": question.help_text}
        if question.kind == Question.Kind.YES_NO:
            return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
        if question.kind == Question.Kind.CHOICE:
            options = [(choice, choice) for choice in question.choice_list()]
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        if question.kind == Question.Kind.AMOUNT:
            return forms.IntegerField(
                min_value=0,
                max_value=999_999_999,
                error_messages={
                    "invalid": AMOUNT_INVALID,
                    "min_value": AMOUNT_INVALID,
                    "max_value": AMOUNT_INVALID,
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                **common,
            )
        return forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}), **common)

    def rows(self):
        """(question, bound field, its number, parent field name, parent's number) for the
        template. Every question is numbered 【n】 so that a follow-up can name the question it
        depends on: the one just above it is often a sibling, not its parent."""
        numbers = {question.pk: number for number, question in enumerate(self.questions, 1)}
        for question in self.questions:
            parent = self.by_id.get(question.parent_id)
            yield (
                question,
                self[field_name(question)],
                numbers[question.pk],
                field_name(parent) if parent else "",
                numbers[parent.pk] if parent else None,
            )

    def clean(self):
        cleaned = super().clean()
        answers: dict[int, str] = {}
        for question in self.questions:  # parents come first: order is the survey's order
            name = field_name(question)
            if name in self.errors:
                continue
            value = cleaned.get(name)
            value = "" if value is None else str(value).strip()
            if not rules.is_asked(question, answers, self.by_id):
                continue
            if value == "":
                self.add_error(name, ValidationError(ANSWER_REQUIRED, code="required"))
                continue
            answers[question.pk] = value
        self.answers = answers
        return cleaned


def initial_answers(questions: list[Question], answers: dict[int, str]) -> dict[str, str]:
    return {field_name(q): answers[q.pk] for q in questions if q.pk in answers}


class UploadForm(forms.Form):
    """STEP4 書類アップロード: which document, and the file (checked by its content)."""

    document = forms.ChoiceField(
        label=_("提出する書類"), error_messages={"required": _("提出する書類を選択してください。")}
    )
    file = forms.FileField(
        label=_("ファイル"),
        required=False,
        help_text=_("PDF、JPEG、PNG、HEIC形式、10MBまで。スマートフォンでは撮影もできます。"),
        widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT}),
        error_messages={"empty": files.MESSAGES["empty"], "invalid": files.MESSAGES["missing"]},
    )

    def __init__(self, *args, documents: list[rules.RequiredDocument], **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {document.key: document for document in documents}
        self.fields["document"].choices = [("", _("選択してください"))] + [
            (document.key, document.name) for document in documents
        ]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            raise ValidationError(files.MESSAGES["missing"], code="missing")
        self.kind = files.detect_kind(upload)
        return upload

    @property
    def document_choice(self) -> rules.RequiredDocument:
        return self.documents[self.cleaned_data["document"]]


class SurveyAdminForm(forms.ModelForm):
    """被扶養者資格調査 in admin: the 異動届 file is checked by its content before it is
    stored, and stored under its real format's extension (the member's download is named
    被扶養者異動届.<extension>)."""

    class Meta:
        model = DependentSurvey
        fields = ["transfer_form"]

    def clean_transfer_form(self):
        upload = self.cleaned_data.get("transfer_form")
        if not isinstance(upload, UploadedFile):  # unchanged (the stored file) or cleared
            return upload
        upload.name = f"transfer_form.{files.transfer_form_kind(upload)}"
        return upload


class InquiryForm(forms.ModelForm):
    """WEBからのお問合せ (DEP-6): entered, then confirmed (送信内容を確認 → 送信する)."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Inquiry
        fields = ["topic", "name", "insurance_number", "email", "phone", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        error_messages = {
            "topic": {"required": _("お問合せ内容を選択してください。")},
            "name": {"required": _("お名前を入力してください。")},
            "email": {
                "required": _("メールアドレスを入力してください。"),
                "invalid": _("メールアドレスの形式が正しくありません。"),
            },
            "body": {"required": _("お問合せ本文を入力してください。")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("選択してください"))] + list(Inquiry.Topic.choices)
        self.fields["body"].max_length = 2000
        self.fields["body"].widget.attrs["maxlength"] = 2000

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) > 2000:
            raise ValidationError(_("お問合せ本文は2000文字以内で入力してください。"))
        return body

    def inquiry_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
