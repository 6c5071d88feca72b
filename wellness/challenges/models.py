"""チャレンジ記録 (SPEC WEL-2, manual §4-8): the union's stages of preset challenges, the
challenges a member sets (a preset one or their own), and the ○/× of each day."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, Union


class Stage(models.Model):
    """A ステージ: a group of preset challenges of one union, e.g. 「ステージ1 まずはここから」."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("ステージ名"), max_length=50)
    description = models.CharField(_("説明"), max_length=200, blank=True)
    published = models.BooleanField(_("公開する"), default=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("チャレンジのステージ")
        verbose_name_plural = _("チャレンジのステージ")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["union", "name"], name="challenge_stage_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PresetChallenge(models.Model):
    """A challenge the union offers in a stage; the member picks it and sets the dates."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("ステージ"), on_delete=models.CASCADE, related_name="presets"
    )
    title = models.CharField(_("チャレンジ"), max_length=50)
    description = models.CharField(_("説明"), max_length=200, blank=True)
    published = models.BooleanField(_("公開する"), default=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("用意されたチャレンジ")
        verbose_name_plural = _("用意されたチャレンジ")
        ordering = ["stage_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "title"], name="preset_challenge_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class Challenge(models.Model):
    """A challenge one member set, from a preset or written by themself, over start…end.

    The title is copied from the preset, so a preset edited or removed later leaves the
    member's challenge as it was set. `token` is the confirm page's one-time key: a second
    post of the same confirm page finds this row instead of making another.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("加入者"), on_delete=models.CASCADE, related_name="+"
    )
    preset = models.ForeignKey(
        PresetChallenge,
        verbose_name=_("用意されたチャレンジ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("チャレンジ"), max_length=50)
    start_on = models.DateField(_("開始日"))
    end_on = models.DateField(_("終了日"))
    token = models.UUIDField(_("設定の受付番号"), unique=True)
    created_at = models.DateTimeField(_("設定日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("チャレンジ")
        verbose_name_plural = _("チャレンジ")
        ordering = ["start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="challenge_end_after_start"
            )
        ]
        indexes = [models.Index(fields=["person", "end_on", "start_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def total_days(self) -> int:
        return (self.end_on - self.start_on).days + 1

    def days_so_far(self, today: dt.date) -> int:
        """Days of the period up to and including `today` (0 before it starts)."""
        if today < self.start_on:
            return 0
        return (min(today, self.end_on) - self.start_on).days + 1

    def covers(self, day: dt.date) -> bool:
        return self.start_on <= day <= self.end_on


class ChallengeDay(models.Model):
    """The member's ○ (achieved) or × for one date of a challenge: one row per date."""

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("チャレンジ"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日付"))
    achieved = models.BooleanField(_("達成"))
    updated_at = models.DateTimeField(_("記録日時"), auto_now=True)

    class Meta:
        verbose_name = _("チャレンジの記録")
        verbose_name_plural = _("チャレンジの記録")
        ordering = ["challenge_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "date"], name="challenge_day_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y/%m/%d} {'○' if self.achieved else '×'}"
