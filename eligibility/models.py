"""資格確認書 (certificates staff issue), and what members send from its back side:
住所変更 requests and 臓器提供の意思表示. 資格情報のお知らせ needs no table of its own: each
one is a `kosmo.models.DocumentJob`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person


class EligibilityCertificate(models.Model):
    """A person's 資格確認書: shown on screen from 交付日 to 有効期限 unless suspended."""

    class Refusal(models.TextChoices):
        NOT_YET_ISSUED = (
            "not_yet_issued",
            _("交付日が到来していないため、資格確認書を表示できません。"),
        )
        EXPIRED = "expired", _("有効期限が過ぎているため、資格確認書を表示できません。")
        SUSPENDED = (
            "suspended",
            _("健康保険側で利用停止の手続きが行われたため、資格確認書を表示できません。"),
        )
        DISQUALIFIED = "disqualified", _("資格を喪失しているため、資格確認書を表示できません。")

    person = models.OneToOneField(
        Person,
        verbose_name=_("対象者"),
        on_delete=models.CASCADE,
        related_name="eligibility_certificate",
    )
    issued_on = models.DateField(_("交付年月日"))
    expires_on = models.DateField(_("有効期限"))
    suspended = models.BooleanField(_("利用停止"), default=False)
    suspension_reason = models.CharField(_("利用停止の理由"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("資格確認書")
        verbose_name_plural = _("資格確認書")
        ordering = ["person__household_id", "person__branch"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("issued_on")),
                name="certificate_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.issued_on:%Y-%m-%d}〜{self.expires_on:%Y-%m-%d})"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": _("有効期限は交付年月日以降の日付にしてください。")}
            )

    def refusal(self, today: dt.date) -> Refusal | None:
        """Why the card may not be shown today (manual §4-19), or None when it may."""
        if self.suspended:
            return self.Refusal.SUSPENDED
        if today < self.issued_on:
            return self.Refusal.NOT_YET_ISSUED
        if today > self.expires_on:
            return self.Refusal.EXPIRED
        if self.person.disqualified_on is not None and self.person.disqualified_on <= today:
            return self.Refusal.DISQUALIFIED
        return None


class AddressChangeRequest(models.Model):
    """住所変更 sent from the certificate's back side; staff apply it to the person."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("対象者"),
        on_delete=models.CASCADE,
        related_name="address_change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申請したアカウント"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    postal_code = models.CharField(
        _("郵便番号"),
        max_length=8,
        validators=[
            RegexValidator(r"^\d{3}-\d{4}$", _("郵便番号は123-4567の形式で入力してください。"))
        ],
    )
    address = models.CharField(_("住所"), max_length=200)
    requested_at = models.DateTimeField(_("申請日時"), auto_now_add=True)
    applied_at = models.DateTimeField(_("反映日時"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反映した職員"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("住所変更の申請")
        verbose_name_plural = _("住所変更の申請")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["person", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.person} {self.postal_code} {self.address}"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


class OrganDonationIntent(models.Model):
    """One 臓器提供の意思表示 as the member confirmed it (「確定」); the newest one is current."""

    class Choice(models.TextChoices):
        # The manual's confirmation wording (§4-19 (2)).
        ANY = "1", _("1. 脳死後及び心臓が停止した状態のいずれでも、移植のために臓器を提供します。")
        CARDIAC_ONLY = "2", _("2. 心臓が停止した状態に限り、移植のために臓器を提供します。")
        NONE = "3", _("3. 臓器を提供しません。")

    class Organ(models.TextChoices):
        HEART = "heart", _("心臓")
        LUNGS = "lungs", _("肺")
        LIVER = "liver", _("肝臓")
        KIDNEYS = "kidneys", _("腎臓")
        PANCREAS = "pancreas", _("膵臓")
        SMALL_INTESTINE = "small_intestine", _("小腸")
        EYES = "eyes", _("眼球")

    person = models.ForeignKey(
        Person,
        verbose_name=_("対象者"),
        on_delete=models.CASCADE,
        related_name="organ_donation_intents",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録したアカウント"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    choice = models.CharField(_("臓器提供"), max_length=1, choices=Choice.choices)
    excluded_organs = models.JSONField(_("提供しなくてよい臓器"), default=list, blank=True)
    recorded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("臓器提供の意思表示")
        verbose_name_plural = _("臓器提供の意思表示")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["person", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_choice_display()}"

    @property
    def excluded_organ_labels(self) -> list[str]:
        labels = dict(self.Organ.choices)
        return [str(labels[key]) for key in self.Organ.values if key in self.excluded_organs]
