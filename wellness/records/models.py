"""日々の記録 (WEL-1, manual §4-7): one value per person, item and date, every change kept,
the member's show/hide choice, the union's item overrides and the step-import jobs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, Union
from wellness.records.items import KEY_CHOICES


class Source(models.TextChoices):
    MANUAL = "manual", _("手入力")
    APPLE = "apple", _("Apple ヘルスケア")
    HEALTH_CONNECT = "health_connect", _("Health Connect / Google Fit")
    DEMO = "demo", _("デモデータ")


class ItemOverride(models.Model):
    """A union's change to one shipped item: its name, valid range, order, or switched off."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    item_key = models.CharField(_("記録項目"), max_length=20, choices=KEY_CHOICES)
    name = models.CharField(_("表示名"), max_length=30, blank=True)
    minimum = models.DecimalField(
        _("下限値"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("上限値"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("表示順"), null=True, blank=True)
    enabled = models.BooleanField(_("利用する"), default=True)

    class Meta:
        verbose_name = _("記録項目の組合設定")
        verbose_name_plural = _("記録項目の組合設定")
        constraints = [
            models.UniqueConstraint(fields=["union", "item_key"], name="records_override_unique"),
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=True)
                | models.Q(maximum__isnull=True)
                | models.Q(minimum__lte=models.F("maximum")),
                name="records_override_range",
            ),
        ]

    def __str__(self) -> str:
        return self.get_item_key_display()


class DailyRecord(models.Model):
    """The value of one item on one date for one person (an edit replaces it; see RecordChange)."""

    person = models.ForeignKey(
        Person, verbose_name=_("記録者"), on_delete=models.CASCADE, related_name="+"
    )
    item_key = models.CharField(_("記録項目"), max_length=20, choices=KEY_CHOICES)
    date = models.DateField(_("日付"))
    value = models.DecimalField(_("値"), max_digits=10, decimal_places=2)
    source = models.CharField(
        _("記録方法"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("日々の記録")
        verbose_name_plural = _("日々の記録")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item_key", "date"], name="records_one_value_per_date"
            )
        ]
        # The unique constraint's index serves every read: a person's item over a date range,
        # and the latest date per item (top page).

    def __str__(self) -> str:
        return f"{self.get_item_key_display()} {self.date:%Y/%m/%d}"


class RecordChange(models.Model):
    """Append-only history: each value a record took (None: removed), when, and from where."""

    person = models.ForeignKey(
        Person, verbose_name=_("記録者"), on_delete=models.CASCADE, related_name="+"
    )
    item_key = models.CharField(_("記録項目"), max_length=20, choices=KEY_CHOICES)
    date = models.DateField(_("日付"))
    previous = models.DecimalField(
        _("変更前の値"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("値"), max_digits=10, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("記録方法"), max_length=20, choices=Source.choices)
    changed_at = models.DateTimeField(_("変更日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("記録の変更履歴")
        verbose_name_plural = _("記録の変更履歴")
        indexes = [models.Index(fields=["person", "item_key", "date"])]

    def __str__(self) -> str:
        return f"{self.get_item_key_display()} {self.date:%Y/%m/%d}"


class DisplaySetting(models.Model):
    """「記録項目表示設定」: the items a member has hidden from the records top page."""

    person = models.OneToOneField(
        Person, verbose_name=_("加入者"), on_delete=models.CASCADE, related_name="+"
    )
    hidden = models.JSONField(_("非表示の項目"), default=list, blank=True)

    class Meta:
        verbose_name = _("記録項目表示設定")
        verbose_name_plural = _("記録項目表示設定")

    def __str__(self) -> str:
        return str(self.person_id)


class StepImport(models.Model):
    """One uploaded health-app export and its import: pending → running → ready / failed."""

    class State(models.TextChoices):
        PENDING = "pending", _("受付済み")
        RUNNING = "running", _("取り込み中")
        READY = "ready", _("完了")
        FAILED = "failed", _("失敗")

    person = models.ForeignKey(
        Person, verbose_name=_("加入者"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("ファイル名"), max_length=255)
    stored_name = models.CharField(_("保存名"), max_length=255)
    size = models.PositiveBigIntegerField(_("サイズ"), default=0)
    source = models.CharField(_("形式"), max_length=20, choices=Source.choices)
    state = models.CharField(_("状態"), max_length=16, choices=State.choices, default=State.PENDING)
    bytes_read = models.PositiveBigIntegerField(_("読み込んだバイト数"), default=0)
    bytes_total = models.PositiveBigIntegerField(_("全体のバイト数"), default=0)
    rows_read = models.PositiveIntegerField(_("読み込んだ行数"), default=0)
    days_saved = models.PositiveIntegerField(_("記録した日数"), default=0)
    days_skipped = models.PositiveIntegerField(_("取り込まなかった日数"), default=0)
    error = models.TextField(_("エラー"), blank=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("歩数データの取り込み")
        verbose_name_plural = _("歩数データの取り込み")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.state == self.State.READY:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, self.bytes_read * 100 // self.bytes_total)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)
