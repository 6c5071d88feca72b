"""ミッション (SPEC WEL-6, manual §4-12 … §4-15): the union's daily missions, the ポイントくじ's
prizes, the ranks' thresholds and the bonus missions (rules as data, edited by staff), and the
members' rows the events and the pages write (activities, clears, draws, ranks, scratch cards).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, Union


class Action(models.TextChoices):
    """What a member does that a mission counts, each told by an event of another feature."""

    LOGIN = "login", _("ログインする")
    STEPS = "steps", _("歩数を記録する")
    WEIGHT = "weight", _("体重を記録する")
    ARTICLE = "article", _("記事を読む")
    CHALLENGE = "challenge", _("チャレンジを達成する")


class DailyMission(models.Model):
    """A デイリーミッション of one union: cleared by `action` on the day (Japan time); for steps,
    `threshold` is the least number of steps (0: any record)."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("ミッション"), max_length=50)
    action = models.CharField(_("達成条件"), max_length=20, choices=Action.choices)
    threshold = models.PositiveIntegerField(
        _("歩数の目標"), default=0, help_text=_("歩数のミッションのみ。0 は記録があれば達成です。")
    )
    points = models.PositiveSmallIntegerField(_("獲得ポイント"), default=1)
    published = models.BooleanField(_("公開する"), default=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("デイリーミッション")
        verbose_name_plural = _("デイリーミッション")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["union", "title"], name="daily_mission_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class Game(models.TextChoices):
    LOTTERY = "lottery", _("ポイントくじ")
    ROULETTE = "roulette", _("ビンゴのルーレット")


class Prize(models.Model):
    """One outcome of the ポイントくじ or the bingo roulette of a union: its chance is
    `weight` / the sum of the game's weights; 0 points is 「はずれ」."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    game = models.CharField(_("くじの種類"), max_length=20, choices=Game.choices)
    name = models.CharField(_("賞"), max_length=30)
    points = models.PositiveIntegerField(_("ポイント"), default=0)
    weight = models.PositiveIntegerField(_("当たりやすさ (重み)"), default=1)

    class Meta:
        verbose_name = _("くじの賞")
        verbose_name_plural = _("くじの賞")
        ordering = ["game", "-points", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["union", "game", "name"], name="prize_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Rank(models.TextChoices):
    BRONZE = "bronze", _("ブロンズ")
    SILVER = "silver", _("シルバー")
    GOLD = "gold", _("ゴールド")
    PLATINUM = "platinum", _("プラチナ")


class RankThreshold(models.Model):
    """A union's own least login days of a month for next month's rank (without rows, the
    defaults of wellness.missions.rules.DEFAULT_RANK_DAYS)."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    rank = models.CharField(_("ランク"), max_length=20, choices=Rank.choices)
    min_days = models.PositiveSmallIntegerField(_("必要なログイン日数"))

    class Meta:
        verbose_name = _("ランクの条件")
        verbose_name_plural = _("ランクの条件")
        ordering = ["min_days"]
        constraints = [
            models.UniqueConstraint(fields=["union", "rank"], name="rank_threshold_unique_rank")
        ]

    def __str__(self) -> str:
        return self.get_rank_display()


class BonusMission(models.Model):
    """A ボーナスミッション: reach `target` (days of `action`, or steps in all for steps) between
    start_on and end_on; `points` once when reached."""

    class Kind(models.TextChoices):
        LIMITED = "limited", _("期間限定ミッション")
        EVENT = "event", _("イベントミッション")
        ANNUAL = "annual", _("年間ミッション")

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("ミッション"), max_length=60)
    description = models.CharField(_("内容"), max_length=200, blank=True)
    action = models.CharField(_("達成条件"), max_length=20, choices=Action.choices)
    target = models.PositiveIntegerField(_("目標 (日数、歩数は合計歩数)"))
    points = models.PositiveIntegerField(_("獲得ポイント"))
    start_on = models.DateField(_("開始日"))
    end_on = models.DateField(_("終了日"))
    published = models.BooleanField(_("公開する"), default=True)

    class Meta:
        verbose_name = _("ボーナスミッション")
        verbose_name_plural = _("ボーナスミッション")
        ordering = ["end_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="bonus_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """A member did `action` on `date` (Japan time), as an event of another feature told:
    one row per member, action and date, whatever the number of events."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    date = models.DateField()

    class Meta:
        verbose_name = _("ミッションの行動")
        verbose_name_plural = _("ミッションの行動")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "action", "date"], name="mission_activity_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.date}"


class DailyClear(models.Model):
    """A daily mission cleared on a date: the row is the award's once-only key."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey(DailyMission, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    cleared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("デイリーミッションのクリア")
        verbose_name_plural = _("デイリーミッションのクリア")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "mission", "date"], name="daily_clear_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mission_id} {self.date}"


class LotteryDraw(models.Model):
    """The day's ポイントくじ of a member: one per date (the unique row makes a second submit
    find the first result)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    prize_name = models.CharField(max_length=30)
    points = models.PositiveIntegerField(default=0)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ポイントくじの結果")
        verbose_name_plural = _("ポイントくじの結果")
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="lottery_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.prize_name}"


class MonthlyRank(models.Model):
    """The rank of a member for `month` (its first day), from the previous month's login days."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    rank = models.CharField(max_length=20, choices=Rank.choices)
    login_days = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("今月のランク")
        verbose_name_plural = _("今月のランク")
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="monthly_rank_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_rank_display()}"


class BonusClear(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey(BonusMission, on_delete=models.CASCADE, related_name="+")
    cleared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ボーナスミッションの達成")
        verbose_name_plural = _("ボーナスミッションの達成")
        constraints = [
            models.UniqueConstraint(fields=["person", "mission"], name="bonus_clear_once")
        ]

    def __str__(self) -> str:
        return str(self.mission_id)


class ScratchCard(models.Model):
    """The day's 歩いてスクラッチ card: `hits` are the 4 cells (0…8, row by row) of ヘロン君,
    decided when the card is made and shown only cell by cell as they are scratched;
    `scratched` the cells scratched so far. A card is valid on its date only."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    hits = models.JSONField()
    scratched = models.JSONField(default=list)
    roulette_points = models.PositiveIntegerField(null=True)
    roulette_name = models.CharField(max_length=30, blank=True)
    expired = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("スクラッチカード")
        verbose_name_plural = _("スクラッチカード")
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="scratch_card_once_a_day")
        ]

    def __str__(self) -> str:
        return str(self.date)

    def valid_on(self, today: dt.date) -> bool:
        return self.date == today and not self.expired
