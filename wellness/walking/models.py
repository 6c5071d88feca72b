"""歩Fes. / ウォーキングキャンペーン (SPEC WEL-5, manual §4-11): the union's walking events
(entry window, event window, team battles on or off, a course of checkpoints), the members'
entries and teams, cheer stamps between team members, and the ranking snapshots the scheduled
task writes (pages read the snapshot, never the steps)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, StaffAuditRecord, Union


class Emblem(models.TextChoices):
    """The preset チームエンブレム a team chooses from (the value is the glyph shown)."""

    SHOE = "👟", _("スニーカー")
    SUN = "☀", _("太陽")
    STAR = "★", _("星")
    MOUNTAIN = "⛰", _("山")
    FLOWER = "✿", _("花")
    HEART = "♥", _("ハート")


class Stamp(models.TextChoices):
    """The 応援スタンプ a member sends to a team member."""

    FIGHT = "fight", _("ファイト！")
    NICE = "nice", _("ナイス！")
    THANKS = "thanks", _("ありがとう")
    TOGETHER = "together", _("一緒に歩こう")


class Course(models.Model):
    """A ウォーキングマップ: an ordered list of checkpoints; the last one is the goal."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("コース名"), max_length=50)

    class Meta:
        verbose_name = _("ウォーキングマップのコース")
        verbose_name_plural = _("ウォーキングマップのコース")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Checkpoint(models.Model):
    """A checkpoint `distance_km` from the start along the course; `x`, `y` place it on the
    map (0–1000 by 0–600)."""

    course = models.ForeignKey(
        Course, verbose_name=_("コース"), on_delete=models.CASCADE, related_name="checkpoints"
    )
    name = models.CharField(_("チェックポイント名"), max_length=50)
    distance_km = models.DecimalField(
        _("スタートからの距離 (km)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    x = models.PositiveSmallIntegerField(_("地図上の位置 (横)"), default=0)
    y = models.PositiveSmallIntegerField(_("地図上の位置 (縦)"), default=0)

    class Meta:
        verbose_name = _("チェックポイント")
        verbose_name_plural = _("チェックポイント")
        ordering = ["course_id", "distance_km", "pk"]

    def __str__(self) -> str:
        return self.name


class WalkingEvent(models.Model):
    """One 歩Fes.: entry is open entry_start…entry_end (both days included); steps recorded
    on start_on…end_on (both included) count."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("イベント名"), max_length=80)
    description = models.TextField(_("イベントの説明"), blank=True)
    entry_start = models.DateField(_("エントリー受付開始日"))
    entry_end = models.DateField(_("エントリー受付終了日"))
    start_on = models.DateField(_("イベント開始日"))
    end_on = models.DateField(_("イベント終了日"))
    team_battle = models.BooleanField(_("チーム戦を開催する"), default=True)
    team_size = models.PositiveSmallIntegerField(
        _("チームの人数上限"), default=10, validators=[MinValueValidator(1)]
    )
    stride_m = models.DecimalField(
        _("歩幅 (m)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("ウォーキングマップのコース"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published = models.BooleanField(_("公開する"), default=True)
    ranked_at = models.DateTimeField(_("ランキング集計日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("ウォーキングイベント")
        verbose_name_plural = _("ウォーキングイベント")
        ordering = ["-start_on", "-pk"]
        indexes = [models.Index(fields=["union", "entry_end"], name="walking_event_entry")]

    def __str__(self) -> str:
        return self.title

    def entry_open(self, day) -> bool:
        return self.entry_start <= day <= self.entry_end

    def running(self, day) -> bool:
        return self.start_on <= day <= self.end_on

    def finished(self, day) -> bool:
        return day > self.end_on


class Team(models.Model):
    """A team of one event; `code` is the チームID members share to join."""

    event = models.ForeignKey(
        WalkingEvent, verbose_name=_("イベント"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("チーム名"), max_length=30)
    emblem = models.CharField(_("チームエンブレム"), max_length=4, choices=Emblem.choices)
    code = models.CharField(_("チームID"), max_length=8, unique=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("チーム")
        verbose_name_plural = _("チーム")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """A member's エントリー (個人戦) in one event, with their nickname and at most one team.

    `token` is the confirm page's one-time key: the same confirm page posted twice finds this
    row instead of making another."""

    event = models.ForeignKey(
        WalkingEvent, verbose_name=_("イベント"), on_delete=models.CASCADE, related_name="entries"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("加入者"), on_delete=models.CASCADE, related_name="+"
    )
    nickname = models.CharField(_("ニックネーム"), max_length=20)
    team = models.ForeignKey(
        Team,
        verbose_name=_("チーム"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    token = models.UUIDField(_("確認キー"), unique=True)
    entered_at = models.DateTimeField(_("エントリー日時"), default=timezone.now)

    class Meta:
        verbose_name = _("エントリー")
        verbose_name_plural = _("エントリー")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="walking_one_entry_each")
        ]

    def __str__(self) -> str:
        return self.nickname


class CheerStamp(models.Model):
    """An 応援スタンプ one team member sent another; `seen_at` is empty while it is 新着."""

    event = models.ForeignKey(
        WalkingEvent, verbose_name=_("イベント"), on_delete=models.CASCADE, related_name="+"
    )
    sender = models.ForeignKey(
        Entry, verbose_name=_("送った人"), on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        Entry, verbose_name=_("受け取った人"), on_delete=models.CASCADE, related_name="+"
    )
    stamp = models.CharField(_("スタンプ"), max_length=10, choices=Stamp.choices)
    sent_at = models.DateTimeField(_("送信日時"), default=timezone.now)
    seen_at = models.DateTimeField(_("確認日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("応援スタンプ")
        verbose_name_plural = _("応援スタンプ")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "seen_at"], name="walking_stamp_new")]

    def __str__(self) -> str:
        return self.get_stamp_display()


class EntryRank(models.Model):
    """The ranking snapshot of one entry (rewritten by tasks.refresh_rankings)."""

    event = models.ForeignKey(
        WalkingEvent, verbose_name=_("イベント"), on_delete=models.CASCADE, related_name="+"
    )
    entry = models.OneToOneField(
        Entry, verbose_name=_("エントリー"), on_delete=models.CASCADE, related_name="rank"
    )
    steps = models.PositiveIntegerField(_("歩数"))
    rank = models.PositiveIntegerField(_("順位"))

    class Meta:
        verbose_name = _("個人ランキング")
        verbose_name_plural = _("個人ランキング")
        ordering = ["rank", "entry_id"]
        indexes = [models.Index(fields=["event", "rank"], name="walking_entry_rank")]

    def __str__(self) -> str:
        return f"{self.rank}"


class TeamRank(models.Model):
    """The ranking snapshot of one team: the sum of its members' steps."""

    event = models.ForeignKey(
        WalkingEvent, verbose_name=_("イベント"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.OneToOneField(
        Team, verbose_name=_("チーム"), on_delete=models.CASCADE, related_name="rank"
    )
    steps = models.PositiveBigIntegerField(_("歩数"))
    members = models.PositiveSmallIntegerField(_("人数"))
    rank = models.PositiveIntegerField(_("順位"))

    class Meta:
        verbose_name = _("チームランキング")
        verbose_name_plural = _("チームランキング")
        ordering = ["rank", "team_id"]
        indexes = [models.Index(fields=["event", "rank"], name="walking_team_rank")]

    def __str__(self) -> str:
        return f"{self.rank}"


class StaffAction(StaffAuditRecord):
    """The audit trail of staff changes to entries (written in the same transaction)."""

    class Action(models.TextChoices):
        CHANGED = "changed", _("変更")
        DELETED = "deleted", _("削除")

    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    event_title = models.CharField(_("イベント"), max_length=80)
    entry_id = models.BigIntegerField(_("エントリーID"))
    nickname = models.CharField(_("ニックネーム"), max_length=20)
    changed_fields = models.CharField(_("変更した項目"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("エントリーの操作履歴")
        verbose_name_plural = _("エントリーの操作履歴")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.nickname}"
