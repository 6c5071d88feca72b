"""Checkup results (健診結果), the union's own judgement criteria and the 生活習慣改善コラム
(SPEC §5, manual §4-5, §4-6)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from checkup import criteria
from kosmo.models import Household, Person, Union
from kosmo.scoping import HouseholdScopedQuerySet


class CheckupImport(models.Model):
    """One run of `import_checkups`: what came in and which rows were rejected, and why."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(_("ファイルのハッシュ値 (SHA-256)"), max_length=64)
    rows_total = models.PositiveIntegerField(_("データ行数"), default=0)
    rows_imported = models.PositiveIntegerField(_("取り込み件数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("エラー件数"), default=0)
    report = models.JSONField(_("エラー行"), default=list, blank=True)
    created_at = models.DateTimeField(_("取り込み日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("健診結果の取り込み履歴")
        verbose_name_plural = _("健診結果の取り込み履歴")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class Checkup(models.Model):
    """One person's checkup on one exam date (受診日), imported from the union."""

    household = models.ForeignKey(
        Household, verbose_name=_("世帯"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("受診者"), on_delete=models.PROTECT, related_name="checkups"
    )
    exam_date = models.DateField(_("受診日"))
    institution = models.CharField(_("健診機関"), max_length=100, blank=True)
    batch = models.ForeignKey(
        CheckupImport,
        verbose_name=_("取り込み"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("健診結果")
        verbose_name_plural = _("健診結果")
        ordering = ["person_id", "-exam_date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "exam_date"], name="checkup_unique_date")
        ]
        indexes = [models.Index(fields=["household", "person", "-exam_date"])]

    def __str__(self) -> str:
        return f"{self.person} {self.exam_date:%Y/%m/%d}"


class CheckupResult(models.Model):
    """One item's value in a checkup, as reported (the item's canonical 特定健診 code)."""

    checkup = models.ForeignKey(Checkup, on_delete=models.CASCADE, related_name="results")
    item_code = models.CharField(_("項目コード"), max_length=17)
    value = models.CharField(_("結果値"), max_length=20)

    class Meta:
        verbose_name = _("検査結果")
        verbose_name_plural = _("検査結果")
        constraints = [
            models.UniqueConstraint(fields=["checkup", "item_code"], name="result_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_code}={self.value}"

    @property
    def item_name(self) -> str:
        item = criteria.base_rules_item(self.item_code)
        return item.name if item else self.item_code


def _item_choices() -> list[tuple[str, str]]:
    return [
        (item["key"], item["name"])
        for item in criteria.base_rules()["items"]
        if item["kind"] != "answer"
    ]


class CriteriaOverride(models.Model):
    """A union's own criteria for one item (and sex), replacing the shipped table's entry.

    Empty fields keep the shipped value. Grade bands are written as in the rules file:
    ``[{"grade": "A", "lt": 130}, {"grade": "B", "lt": 140}, {"grade": "C"}]``.
    """

    class Sex(models.TextChoices):
        BOTH = "", _("男女共通")
        MALE = Person.Sex.MALE.value, _("男")
        FEMALE = Person.Sex.FEMALE.value, _("女")

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    item_key = models.CharField(_("検査項目"), max_length=30, choices=_item_choices)
    sex = models.CharField(_("性別"), max_length=1, choices=Sex.choices, blank=True, default="")
    grades = models.JSONField(
        _("判定区分"),
        null=True,
        blank=True,
        help_text=_('例: [{"grade": "A", "lt": 130}, {"grade": "B", "lt": 140}, {"grade": "C"}]'),
    )
    reference = models.CharField(
        _("基準値の表示"), max_length=30, blank=True, help_text=_("例: 129以下")
    )
    in_reference = models.JSONField(
        _("基準値 (判定区分のない項目)"),
        null=True,
        blank=True,
        help_text=_('例: {"lt": 175} または {"in": ["-"]}'),
    )
    referral = models.JSONField(
        _("受診勧奨判定値"), null=True, blank=True, help_text=_('例: {"ge": 140}')
    )
    note = models.CharField(_("根拠・メモ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("判定基準の組合設定")
        verbose_name_plural = _("判定基準の組合設定")
        ordering = ["union_id", "item_key", "sex"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "item_key", "sex"], name="criteria_override_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_item_key_display()} ({self.get_sex_display()})"

    def rule_value(self, name: str):
        value = getattr(self, name)
        return value if value not in (None, "", [], {}) else None

    def clean(self) -> None:
        errors = {}
        if self.grades is not None:
            if not isinstance(self.grades, list) or not self.grades:
                errors["grades"] = _("判定区分は区分のリストで入力してください。")
            else:
                for band in self.grades:
                    if (
                        not isinstance(band, dict)
                        or band.get("grade") not in criteria.GRADES
                        or not _valid_condition({k: v for k, v in band.items() if k != "grade"})
                    ):
                        errors["grades"] = _(
                            "判定区分の各行は grade (A〜D) と"
                            " ge / gt / le / lt / in で書いてください。"
                        )
                        break
        for name in ("in_reference", "referral"):
            value = getattr(self, name)
            if value is not None and not (value and _valid_condition(value)):
                errors[name] = _("条件は ge / gt / le / lt / in で書いてください。")
        if errors:
            raise ValidationError(errors)


def _valid_condition(condition) -> bool:
    if not isinstance(condition, dict):
        return False
    for key, bound in condition.items():
        if key == "in":
            if not isinstance(bound, list) or not all(isinstance(v, str) for v in bound):
                return False
        elif key in ("ge", "gt", "le", "lt"):
            if isinstance(bound, bool) or not isinstance(bound, int | float | Decimal):
                return False
        else:
            return False
    return True


class Column(models.Model):
    """A 生活習慣改善コラム, recommended to members whose category grade is not A."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(
        _("分類"),
        max_length=20,
        choices=[(c["key"], c["label"]) for c in criteria.base_rules()["categories"]],
    )
    title = models.CharField(_("タイトル"), max_length=100)
    summary = models.CharField(_("概要"), max_length=200, blank=True)
    body = models.TextField(_("本文"), help_text=_("空行で段落を分けます。"))
    published = models.BooleanField(_("公開する"), default=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("生活習慣改善コラム")
        verbose_name_plural = _("生活習慣改善コラム")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
