"""被扶養者資格調査 (manual §4-17): survey campaigns, the dependents under survey, the insured
person's answers and uploads, staff results and web inquiries.

The rules (which questions a dependent gets, which documents the answers call for) are rows
staff edit in admin, read by one small engine in `rules.py`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo.models import Household, Person, Union, _private_storage

RELATIONSHIP_HELP = _(
    "続柄をカンマ区切りで指定します (spouse, child, parent, grandparent, grandchild, sibling,"
    " other)。空欄なら全員が対象です。"
)


def relationships_of(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}


class DependentSurveyQuerySet(models.QuerySet):
    def open_on(self, day: dt.date) -> DependentSurveyQuerySet:
        """Campaigns members can open on `day` (from the start until the end of publication)."""
        return self.filter(published=True, starts_on__lte=day, ends_on__gte=day)


class DependentSurvey(models.Model):
    """One 被扶養者資格調査 of a union: period, deadline, criteria text, questions, rules."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField(_("調査名"), max_length=100, default=_("被扶養者資格調査"))
    starts_on = models.DateField(_("調査開始日"))
    deadline = models.DateField(
        _("提出期限"), help_text=_("回答と必要書類の提出の期限 (この日の終わりまで)。")
    )
    ends_on = models.DateField(
        _("公開終了日"), help_text=_("この日まで、会員は審査結果を確認できます。")
    )
    published = models.BooleanField(_("公開する"), default=True)
    guidance = models.TextField(
        _("実施の要項"),
        blank=True,
        help_text=_("「(1)被扶養者資格調査のご案内」に表示する本文。"),
    )
    target_relationships = models.CharField(
        _("選定ルール: 続柄"), max_length=200, blank=True, help_text=RELATIONSHIP_HELP
    )
    target_min_age = models.PositiveSmallIntegerField(
        _("選定ルール: 年齢(以上)"), null=True, blank=True
    )
    target_max_age = models.PositiveSmallIntegerField(
        _("選定ルール: 年齢(以下)"), null=True, blank=True
    )
    age_reference_date = models.DateField(
        _("年齢の基準日"), null=True, blank=True, help_text=_("空欄なら調査開始日。")
    )
    transfer_form = models.FileField(
        _("異動届"),
        upload_to="dependents/forms/",
        storage=_private_storage,
        blank=True,
        help_text=_("会員が「異動届ダウンロード」で受け取る届出用紙 (PDF等)。"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = DependentSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("被扶養者資格調査")
        verbose_name_plural = _("被扶養者資格調査")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("starts_on"))
                & Q(ends_on__gte=models.F("deadline")),
                name="survey_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d}〜{self.deadline:%Y-%m-%d})"


class Criterion(models.Model):
    """One 被扶養者の認定基準 paragraph, shown behind a 「+」 in the guidance."""

    survey = models.ForeignKey(
        DependentSurvey, verbose_name=_("調査"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    title = models.CharField(_("見出し"), max_length=100)
    body = models.TextField(_("説明"))

    class Meta:
        verbose_name = _("認定基準")
        verbose_name_plural = _("認定基準")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Faq(models.Model):
    """よくある質問, shown with 「+」 expanders on the contact page."""

    survey = models.ForeignKey(
        DependentSurvey, verbose_name=_("調査"), on_delete=models.CASCADE, related_name="faqs"
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    question = models.CharField(_("質問"), max_length=200)
    answer = models.TextField(_("回答"))

    class Meta:
        verbose_name = _("よくある質問")
        verbose_name_plural = _("よくある質問")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.question


class Question(models.Model):
    """A question of STEP2. A follow-up (`parent`) is asked only when the parent's answer is
    `parent_value`; `relationships` limits a question to some dependents."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("はい/いいえ")
        AMOUNT = "amount", _("金額(円)")
        CHOICE = "choice", _("選択")
        TEXT = "text", _("記述")

    survey = models.ForeignKey(
        DependentSurvey, verbose_name=_("調査"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    code = models.SlugField(_("コード"), max_length=40, help_text=_("CSV出力の列名になります。"))
    text = models.CharField(_("設問"), max_length=300)
    help_text = models.CharField(_("補足"), max_length=300, blank=True)
    kind = models.CharField(_("回答形式"), max_length=10, choices=Kind.choices)
    choices = models.CharField(
        _("選択肢"), max_length=300, blank=True, help_text=_("選択の設問: カンマ区切り。")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("前提の設問"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    parent_value = models.CharField(
        _("前提の回答"), max_length=50, blank=True, help_text=_("はい/いいえは yes / no。")
    )
    relationships = models.CharField(
        _("対象の続柄"), max_length=200, blank=True, help_text=RELATIONSHIP_HELP
    )

    class Meta:
        verbose_name = _("設問")
        verbose_name_plural = _("設問")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_unique_code")
        ]

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [part.strip() for part in self.choices.split(",") if part.strip()]


class DocumentRule(models.Model):
    """「この回答ならこの書類が必要」: a required document and when it applies.

    Without a question the document is required of every dependent the rule's relationships
    cover; with one, when the answer compares true to `value`.
    """

    class Operator(models.TextChoices):
        EQUALS = "eq", _("等しい")
        NOT_EQUALS = "ne", _("等しくない")
        AT_LEAST = "gte", _("以上")
        BELOW = "lt", _("未満")

    survey = models.ForeignKey(
        DependentSurvey,
        verbose_name=_("調査"),
        on_delete=models.CASCADE,
        related_name="document_rules",
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    document = models.CharField(_("必要書類"), max_length=100)
    description = models.TextField(_("説明・注意書き"), blank=True)
    question = models.ForeignKey(
        Question,
        verbose_name=_("条件の設問"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document_rules",
    )
    operator = models.CharField(
        _("比較"), max_length=3, choices=Operator.choices, default=Operator.EQUALS
    )
    value = models.CharField(_("条件の値"), max_length=50, blank=True)
    relationships = models.CharField(
        _("対象の続柄"), max_length=200, blank=True, help_text=RELATIONSHIP_HELP
    )

    class Meta:
        verbose_name = _("必要書類のルール")
        verbose_name_plural = _("必要書類のルール")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.document


class HouseholdResponse(models.Model):
    """The insured person's side of one survey: the pledge, the guidance read, STEP1."""

    survey = models.ForeignKey(
        DependentSurvey, verbose_name=_("調査"), on_delete=models.CASCADE, related_name="responses"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("世帯"), on_delete=models.CASCADE, related_name="+"
    )
    pledged_at = models.DateTimeField(_("誓約日時"), null=True, blank=True)
    declined_at = models.DateTimeField(_("「誓約しない」日時"), null=True, blank=True)
    guidance_read_at = models.DateTimeField(_("ご案内確認日時"), null=True, blank=True)
    insured_confirmed_at = models.DateTimeField(_("被保険者情報確認日時"), null=True, blank=True)
    results_seen_at = models.DateTimeField(_("審査結果確認日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("世帯の回答")
        verbose_name_plural = _("世帯の回答")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "household"], name="household_response_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} / {self.household}"


class SurveyTarget(models.Model):
    """A dependent under survey (調査対象者): progress, submission and the staff result."""

    class Result(models.TextChoices):
        PENDING = "pending", _("審査中")
        APPROVED = "approved", _("認定")
        DEFICIENT = "deficient", _("不備・不足")
        REMOVAL = "removal", _("削除手続き")

    class Selection(models.TextChoices):
        STAFF = "staff", _("職員が選定")
        RULE = "rule", _("ルールで選定")

    survey = models.ForeignKey(
        DependentSurvey, verbose_name=_("調査"), on_delete=models.CASCADE, related_name="targets"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("調査対象者"), on_delete=models.PROTECT, related_name="+"
    )
    selected_by = models.CharField(
        _("選定方法"), max_length=8, choices=Selection.choices, default=Selection.STAFF
    )
    deadline = models.DateField(
        _("提出期限(個別)"), null=True, blank=True, help_text=_("空欄なら調査の提出期限。")
    )
    basic_confirmed_at = models.DateTimeField(_("基本情報確認日時"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回答完了日時"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    result = models.CharField(
        _("審査結果"), max_length=10, choices=Result.choices, default=Result.PENDING
    )
    result_reason = models.TextField(_("理由・連絡事項"), blank=True)
    result_at = models.DateTimeField(_("審査日時"), null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("審査者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("選定日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("調査対象者")
        verbose_name_plural = _("調査対象者")
        ordering = ["survey_id", "person__household_id", "person__branch"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="survey_target_unique")
        ]

    def __str__(self) -> str:
        return self.person.full_name

    @property
    def due_on(self) -> dt.date:
        return self.deadline or self.survey.deadline

    def past_deadline(self, now: dt.datetime | None = None) -> bool:
        return timezone.localdate(now) > self.due_on

    @property
    def answering_locked(self) -> bool:
        return self.submitted_at is not None

    @property
    def uploads_locked(self) -> bool:
        """Submitted files are final, except after 不備・不足 (additional documents)."""
        return self.submitted_at is not None and self.result != self.Result.DEFICIENT


class Answer(models.Model):
    target = models.ForeignKey(
        SurveyTarget, verbose_name=_("調査対象者"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("設問"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.CharField(_("回答"), max_length=500)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        constraints = [models.UniqueConstraint(fields=["target", "question"], name="answer_unique")]

    def __str__(self) -> str:
        return self.value


class AdditionalDocument(models.Model):
    """A document staff asked for with 不備・不足 (追加必要書類)."""

    target = models.ForeignKey(
        SurveyTarget,
        verbose_name=_("調査対象者"),
        on_delete=models.CASCADE,
        related_name="additional_documents",
    )
    name = models.CharField(_("追加必要書類"), max_length=100)
    requested_at = models.DateTimeField(_("依頼日時"), default=timezone.now)

    class Meta:
        verbose_name = _("追加必要書類")
        verbose_name_plural = _("追加必要書類")
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Upload(models.Model):
    """A file the insured person uploaded for one required (or additional) document."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        HEIC = "heic", "HEIC"

    target = models.ForeignKey(
        SurveyTarget, verbose_name=_("調査対象者"), on_delete=models.CASCADE, related_name="uploads"
    )
    rule = models.ForeignKey(
        DocumentRule,
        verbose_name=_("必要書類のルール"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    additional = models.ForeignKey(
        AdditionalDocument,
        verbose_name=_("追加必要書類"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploads",
    )
    document = models.CharField(_("書類"), max_length=100)
    file = models.FileField(
        _("ファイル"), upload_to="dependents/uploads/%Y/%m/", storage=_private_storage
    )
    original_name = models.CharField(_("ファイル名"), max_length=255)
    kind = models.CharField(_("形式"), max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(_("サイズ(バイト)"))
    uploaded_at = models.DateTimeField(_("アップロード日時"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アップロードした人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("提出書類")
        verbose_name_plural = _("提出書類")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.document}: {self.original_name}"

    @property
    def content_type(self) -> str:
        return {
            "pdf": "application/pdf",
            "jpeg": "image/jpeg",
            "png": "image/png",
            "heic": "image/heic",
        }[self.kind]


class TargetEvent(models.Model):
    """The audit trail: who changed what on a dependent's survey, and when."""

    target = models.ForeignKey(
        SurveyTarget, verbose_name=_("調査対象者"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作した人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=40)
    detail = models.TextField(_("内容"), blank=True)
    at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("操作履歴")
        verbose_name_plural = _("操作履歴")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.action


class Inquiry(models.Model):
    """A web inquiry (WEBからのお問合せ) about the survey, kept for staff and mailed."""

    class Topic(models.TextChoices):
        ANSWERING = "answering", _("回答方法について")
        DOCUMENTS = "documents", _("必要書類について")
        RESULT = "result", _("審査結果について")
        REGISTERED = "registered", _("登録内容の誤りについて")
        OTHER = "other", _("その他")

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アカウント"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.CharField(_("お問合せ内容"), max_length=12, choices=Topic.choices)
    name = models.CharField(_("お名前"), max_length=100)
    insurance_number = models.CharField(_("記号・番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"))
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    body = models.TextField(_("お問合せ本文"))
    token = models.UUIDField(_("二重送信防止キー"), unique=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("お問合せ")
        verbose_name_plural = _("お問合せ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.name})"
