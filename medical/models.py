"""Medical expenses (レセプト), prescriptions and the drug master (SPEC §3)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kosmo.models import Household, Person, Union
from kosmo.scoping import HouseholdScopedQuerySet


class CareType(models.TextChoices):
    """診療区分 as the claims carry it."""

    INPATIENT = "inpatient", _("入院")
    OUTPATIENT = "outpatient", _("入院外")
    DENTAL = "dental", _("歯科")
    PHARMACY = "pharmacy", _("調剤")
    HOME_NURSING = "home_nursing", _("訪問看護")


class MonthlyLine(models.Model):
    """What claims and prescription lines share: a person's line at one 医療機関 in one
    診療年月, imported from the union, scoped with `visible_to`."""

    # No single-column indexes on these: each model's composite indexes start with them.
    household = models.ForeignKey(
        Household,
        verbose_name=_("世帯"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("受診者"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    service_month = models.DateField(_("診療年月"), help_text=_("その月の1日"))
    provider_code = models.CharField(_("医療機関コード"), max_length=10, blank=True)
    provider_name = models.CharField(_("医療機関名"), max_length=100)
    # Provenance only: no database constraint, so bulk imports skip the check per row.
    batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Claim(MonthlyLine):
    """One claim line: a person × 診療年月 × 医療機関 × 診療区分 (imported from the union)."""

    care_type = models.CharField(_("診療区分"), max_length=16, choices=CareType.choices)
    days = models.PositiveSmallIntegerField(_("日数(回数)"), default=0)
    total_cost = models.PositiveIntegerField(_("医療費総額"))
    insurer_paid = models.PositiveIntegerField(_("保険者負担額"))
    public_paid = models.PositiveIntegerField(_("公費負担額"), default=0)
    patient_paid = models.PositiveIntegerField(_("自己負担額"))
    note = models.CharField(_("備考"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("医療費")
        verbose_name_plural = _("医療費")
        ordering = ["-service_month", "person_id", "provider_name", "care_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "service_month", "provider_code", "provider_name", "care_type"],
                name="claim_unique_line",
            ),
            # MED-2: the amounts add up (総額 = 保険者 + 公費 + 自己).
            models.CheckConstraint(
                condition=Q(total_cost=F("insurer_paid") + F("public_paid") + F("patient_paid")),
                name="claim_amounts_add_up",
            ),
        ]
        indexes = [
            # The insured's pages read the household's months, newest first; a dependent's
            # read their own, which the unique constraint's index (person, month, …) serves.
            models.Index(fields=["household", "-service_month"], name="claim_household_month"),
        ]

    def __str__(self) -> str:
        return f"{self.service_month:%Y/%m} {self.provider_name}"

    @property
    def care_type_label(self) -> str:
        """診療区分 as printed. (Django's get_care_type_display hashes the whole list of
        choices, translating each, on every call: a tenth of a statement page's time.)"""
        try:
            return CareType(self.care_type).label
        except ValueError:
            return self.care_type


class Drug(models.Model):
    """The drug master: 薬価 per unit, and for a brand-name drug its generic equivalent."""

    code = models.CharField(_("医薬品コード"), max_length=12, unique=True)
    name = models.CharField(_("医薬品名"), max_length=200)
    unit = models.CharField(_("単位"), max_length=20)
    unit_price = models.DecimalField(_("薬価"), max_digits=12, decimal_places=2)
    is_generic = models.BooleanField(_("ジェネリック医薬品"), default=False)
    generic = models.ForeignKey(
        "self",
        verbose_name=_("切り替え可能なジェネリック医薬品"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("医薬品")
        verbose_name_plural = _("医薬品")

    def __str__(self) -> str:
        return self.name


class PrescriptionLine(MonthlyLine):
    """One dispensed drug on a 調剤 claim: 薬価 at dispensing × 使用量."""

    line_no = models.PositiveSmallIntegerField(_("行番号"))
    drug = models.ForeignKey(Drug, verbose_name=_("医薬品"), on_delete=models.PROTECT)
    unit_price = models.DecimalField(_("薬価"), max_digits=12, decimal_places=2)
    quantity = models.DecimalField(_("使用量"), max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = _("処方医薬品")
        verbose_name_plural = _("処方医薬品")
        ordering = ["-service_month", "person_id", "provider_name", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "service_month", "provider_code", "provider_name", "line_no"],
                name="prescription_unique_line",
            )
        ]
        indexes = [
            models.Index(
                fields=["household", "-service_month"], name="prescription_household_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_month:%Y/%m} {self.drug_id}"


class ImportBatch(models.Model):
    """One import run of one file: what came in, what was kept, what was refused and why."""

    class Kind(models.TextChoices):
        CLAIMS = "claims", _("医療費")
        PRESCRIPTIONS = "prescriptions", _("処方医薬品")
        DRUGS = "drugs", _("医薬品マスタ")

    union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True)
    kind = models.CharField(_("種類"), max_length=16, choices=Kind.choices)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(_("取り込めなかった行"), default=list, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("取り込み履歴")
        verbose_name_plural = _("取り込み履歴")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class EtaxSigningCredential(models.Model):
    """The union's key and certificate that sign its e-Tax 医療費通知 XML (MED-6).

    Set by operators (`manage.py set_etax_credential`); the key never leaves the server.
    """

    union = models.OneToOneField(Union, on_delete=models.CASCADE, related_name="etax_credential")
    private_key_pem = models.TextField()
    certificate_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-Tax署名鍵")
        verbose_name_plural = _("e-Tax署名鍵")

    def __str__(self) -> str:
        return str(self.union)
