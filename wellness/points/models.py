"""MYポイント (WEL-7, manual §4-16): the append-only point ledger, the union's point policy,
the exchange catalogue, orders and the staff audit trail.

The balance is never stored: it is the sum of a person's `PointEntry` rows, which are only ever
inserted (an earning, a spending, an expiry, a refund of a cancelled order, a staff adjustment).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, StaffAuditRecord, Union


class PointPolicy(models.Model):
    """A union's point rules: when points expire and when an exchange is held (fraud guard)."""

    union = models.OneToOneField(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    expiry_months = models.PositiveSmallIntegerField(
        _("有効期間（月）"),
        default=12,
        help_text=_("獲得した月からこの月数後の月末まで有効です。"),
    )
    hold_threshold = models.PositiveIntegerField(
        _("保留する交換ポイント数"),
        default=1000,
        help_text=_(
            "メール認証のみの会員、または新しいブラウザからの交換がこのポイント数を超えると保留します。"
        ),
    )
    hold_hours = models.PositiveSmallIntegerField(_("保留時間（時間）"), default=72)
    new_browser_days = models.PositiveSmallIntegerField(
        _("新しいブラウザとみなす日数"),
        default=14,
        help_text=_("初めてログインしてからこの日数以内のブラウザを新しいブラウザとみなします。"),
    )

    class Meta:
        verbose_name = _("ポイントの設定")
        verbose_name_plural = _("ポイントの設定")

    def __str__(self) -> str:
        return str(self.union)


class PointAccount(models.Model):
    """A person's point account: the staff freeze, and the row an exchange locks so that two
    orders of one member are decided one after the other."""

    person = models.OneToOneField(
        Person, verbose_name=_("会員"), on_delete=models.CASCADE, related_name="+"
    )
    frozen = models.BooleanField(_("ポイント凍結"), default=False)
    frozen_reason = models.CharField(_("凍結の理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ポイント口座")
        verbose_name_plural = _("ポイント口座")

    def __str__(self) -> str:
        return str(self.person)


class PointEntry(models.Model):
    """One line of the ledger: never updated, never deleted."""

    class Kind(models.TextChoices):
        EARN = "earn", _("獲得")
        SPEND = "spend", _("交換")
        EXPIRE = "expire", _("失効")
        REFUND = "refund", _("キャンセル返還")
        ADJUST = "adjust", _("調整")

    person = models.ForeignKey(
        Person, verbose_name=_("会員"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    points = models.IntegerField(_("ポイント"))
    # (source, key) names the event: an event awards once per person (the unique constraint).
    source = models.CharField(_("発生元"), max_length=40)
    key = models.CharField(_("キー"), max_length=100)
    reason = models.CharField(_("内容"), max_length=200)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    # Credits only: the last day the points may be used.
    valid_until = models.DateField(_("有効期限"), null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作した職員"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ポイント履歴")
        verbose_name_plural = _("ポイント履歴")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source", "key"], name="points_one_entry_per_event"
            ),
            models.CheckConstraint(condition=~models.Q(points=0), name="points_entry_not_zero"),
        ]
        indexes = [models.Index(fields=["person", "-created_at"], name="points_history")]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.reason}"


class Item(models.Model):
    """An exchange item of the union's catalogue: a digital gift or goods."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("デジタルギフト")
        GOODS = "goods", _("商品")

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("商品名"), max_length=100)
    description = models.TextField(_("説明"), blank=True)
    points = models.PositiveIntegerField(_("交換ポイント"))
    stock = models.PositiveIntegerField(_("在庫数"), default=0)
    available_from = models.DateTimeField(_("交換受付開始"), default=timezone.now)
    available_until = models.DateTimeField(_("交換受付終了"), null=True, blank=True)
    cancel_days = models.PositiveSmallIntegerField(
        _("キャンセル可能期間（日）"),
        default=7,
        help_text=_("申込日時からこの日数が経つまでキャンセルできます。0 はキャンセル不可です。"),
    )
    display_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    published = models.BooleanField(_("公開"), default=True)

    class Meta:
        verbose_name = _("交換商品")
        verbose_name_plural = _("交換商品")
        ordering = ["display_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gt=0), name="points_item_price"),
        ]

    def __str__(self) -> str:
        return self.name


class GiftCode(models.Model):
    """A code of a digital gift bought from the supplier; an order takes one."""

    item = models.ForeignKey(
        Item, verbose_name=_("交換商品"), on_delete=models.CASCADE, related_name="codes"
    )
    code = models.CharField(_("ギフトコード"), max_length=100)

    class Meta:
        verbose_name = _("ギフトコード")
        verbose_name_plural = _("ギフトコード")
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="points_gift_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.code[:4]}…"


class Order(models.Model):
    """An exchange: points spent for an item (a held one waits, see `held_until`)."""

    class Status(models.TextChoices):
        HELD = "held", _("保留中")
        ORDERED = "ordered", _("申込済")
        FULFILLED = "fulfilled", _("発送済")
        CANCELLED = "cancelled", _("キャンセル済")

    person = models.ForeignKey(
        Person, verbose_name=_("会員"), on_delete=models.CASCADE, related_name="+"
    )
    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("交換商品"), on_delete=models.PROTECT, related_name="orders"
    )
    # The confirmation page's token: submitting 「この内容で申し込む」 twice orders once.
    token = models.CharField(_("申込トークン"), max_length=64)
    points = models.PositiveIntegerField(_("交換ポイント"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices)
    ordered_at = models.DateTimeField(_("申込日時"), default=timezone.now)
    cancel_until = models.DateTimeField(_("キャンセル期限"), null=True, blank=True)
    held_until = models.DateTimeField(_("保留期限"), null=True, blank=True)
    hold_reason = models.CharField(_("保留の理由"), max_length=100, blank=True)
    released_at = models.DateTimeField(_("保留解除日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("キャンセル日時"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("発送日時"), null=True, blank=True)
    browser = models.CharField(_("ブラウザ"), max_length=300, blank=True)
    new_browser = models.BooleanField(_("新しいブラウザ"), default=False)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    gift_code = models.OneToOneField(
        GiftCode,
        verbose_name=_("ギフトコード"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order",
    )
    recipient_name = models.CharField(_("お名前"), max_length=60, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("交換申込")
        verbose_name_plural = _("交換申込")
        ordering = ["-ordered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="points_order_once"),
        ]
        indexes = [models.Index(fields=["status", "held_until"], name="points_order_held")]

    def __str__(self) -> str:
        return f"{self.item} ({self.ordered_at:%Y/%m/%d})"


class StaffAction(StaffAuditRecord):
    """The audit trail of staff changes to a member's points (an adjustment, a freeze) and to
    orders (fulfilment); written in the same transaction by services."""

    person = models.ForeignKey(
        Person, verbose_name=_("会員"), on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=40)
    detail = models.CharField(_("内容"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ポイントの操作履歴")
        verbose_name_plural = _("ポイントの操作履歴")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.person}"
