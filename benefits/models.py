"""給付金支給決定通知 (SPEC §4, manual §4-2): the union's 給付種別 master and the payments it
decided, imported from the union's systems."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kosmo.dates import format_year_month
from kosmo.models import Household, Person, Union
from kosmo.scoping import HouseholdScopedQuerySet


class BenefitType(models.Model):
    """One 給付種別 of a union's master (傷病手当金, 高額療養費, …), kept by staff in admin."""

    union = models.ForeignKey(
        Union,
        verbose_name=_("健康保険組合"),
        on_delete=models.PROTECT,
        related_name="benefit_types",
    )
    code = models.CharField(
        _("給付種別コード"),
        max_length=10,
        help_text=_("取り込みファイルの「給付種別コード」列で使うコード。"),
    )
    name = models.CharField(
        _("給付種別"),
        max_length=50,
        help_text=_("画面と通知書に表示する名称。取り込みファイルの「給付種別」列と照合します。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("給付種別")
        verbose_name_plural = _("給付種別")
        ordering = ["union_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["union", "code"], name="benefit_type_unique_code"),
            models.UniqueConstraint(fields=["union", "name"], name="benefit_type_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BenefitPayment(models.Model):
    """One payment the union decided: 対象者 × 支給年月 × 給付種別 (imported, read-only)."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("世帯"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (household, -paid_month) index starts with it
    )
    person = models.ForeignKey(
        Person, verbose_name=_("対象者"), on_delete=models.PROTECT, related_name="+"
    )
    benefit_type = models.ForeignKey(
        BenefitType, verbose_name=_("給付種別"), on_delete=models.PROTECT, related_name="+"
    )
    paid_month = models.DateField(_("支給年月"), help_text=_("その月の1日"))
    decided_on = models.DateField(_("支給決定日"), null=True, blank=True)
    service_month = models.DateField(
        _("診療年月"), null=True, blank=True, help_text=_("その月の1日")
    )
    period_start = models.DateField(_("支給期間(開始)"), null=True, blank=True)
    period_end = models.DateField(_("支給期間(終了)"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("日数"), null=True, blank=True)
    amount = models.PositiveIntegerField(_("支給金額"))
    note = models.CharField(_("備考"), max_length=100, blank=True)
    # Provenance only: no database constraint, so the import does not check it per row.
    batch = models.ForeignKey(
        "BenefitImport",
        verbose_name=_("取り込み"),
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("給付金支給明細")
        verbose_name_plural = _("給付金支給明細")
        ordering = ["-paid_month", "person_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="benefit_period_in_order",
            ),
        ]
        indexes = [
            # The insured's pages read the household's months, newest first; a dependent's
            # and the import's replacement read (person, month).
            models.Index(fields=["household", "-paid_month"], name="benefit_household_month"),
            models.Index(fields=["person", "paid_month"], name="benefit_person_month"),
        ]

    def __str__(self) -> str:
        return f"{format_year_month(self.paid_month)} {self.benefit_type.name}"


class BenefitImport(models.Model):
    """One `import_benefits` run of one file: counts and the rejected rows with reasons."""

    union = models.ForeignKey(Union, verbose_name=_("健康保険組合"), on_delete=models.PROTECT)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(_("ファイルのハッシュ値 (SHA-256)"), max_length=64)
    rows_total = models.PositiveIntegerField(_("データ行数"), default=0)
    rows_imported = models.PositiveIntegerField(_("取り込み件数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("エラー件数"), default=0)
    rows_replaced = models.PositiveIntegerField(_("置き換えた既存の行"), default=0)
    report = models.JSONField(_("取り込めなかった行"), default=list, blank=True)
    started_at = models.DateTimeField(_("開始日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("給付金の取り込み履歴")
        verbose_name_plural = _("給付金の取り込み履歴")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.file_name
