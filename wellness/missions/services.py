"""The write side of ミッション: events of other features become activities and clears, the
ポイントくじ, 歩いてスクラッチ and its roulette, the monthly ranks and the cards' expiry.

Points go through `wellness.points.services.award` only, keyed so that an event, a draw or a
cell can never award twice (source "missions.daily" / "missions.bonus" / "missions.lottery" /
"missions.scratch" / "missions.roulette").
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kosmo.models import Person, Union
from wellness.missions import queries, rules
from wellness.missions.models import (
    Action,
    Activity,
    BonusClear,
    DailyClear,
    Game,
    LotteryDraw,
    MonthlyRank,
    ScratchCard,
)
from wellness.points import services as points

FEATURE = "missions"


class MissionRefused(ValueError):
    """A refusal with the message the member sees."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def today(moment: dt.datetime | None = None) -> dt.date:
    """The mission day of `moment` (now by default): the date in Japan (TIME_ZONE is
    Asia/Tokyo), so a day, its card and its coins run from midnight to midnight there."""
    return timezone.localdate(moment)


def record_activity(*, person: Person, action: str, on: dt.date) -> None:
    """A member did `action` on `on` (an event of another feature): see `record_activities`."""
    record_activities(person=person, action=action, dates=[on])


def record_activities(*, person: Person, action: str, dates: list[dt.date]) -> None:
    """A member did `action` on these dates (one event may carry many, e.g. a step import):
    note each once, then clear (and award) today's daily missions if today is among them and
    the bonus missions now complete. Nothing happens for a union without the ミッション
    contract."""
    union = person.household.union
    if not union.has_feature(FEATURE) or not dates:
        return
    Activity.objects.bulk_create(
        [Activity(person=person, action=action, date=day) for day in set(dates)],
        ignore_conflicts=True,
    )
    day = today()
    if day in dates:
        check_daily(person=person, union=union, day=day)
    check_bonus(person=person, union=union, day=day)


def check_daily(*, person: Person, union: Union, day: dt.date) -> list[DailyClear]:
    """Clear each of the union's daily missions the member has met on `day` and award its
    points, once per mission and day."""
    cleared = []
    for row in queries.daily_missions(person, union, day):
        if row.cleared or not row.met:
            continue
        with transaction.atomic():
            clear, created = DailyClear.objects.get_or_create(
                person=person, mission=row.mission, date=day
            )
            if created:
                points.award(
                    person,
                    points=row.mission.points,
                    source="missions.daily",
                    key=f"{row.mission.pk}:{day.isoformat()}",
                    reason=_("デイリーミッション「%(title)s」") % {"title": row.mission.title},
                )
                cleared.append(clear)
    return cleared


def check_bonus(*, person: Person, union: Union, day: dt.date) -> list[BonusClear]:
    """Complete the bonus missions under way on `day` whose target is reached, once each."""
    cleared = []
    for row in queries.bonus_missions(person, union, day):
        if row.cleared or not row.mission.start_on <= day <= row.mission.end_on:
            continue
        if row.progress < row.mission.target:
            continue
        with transaction.atomic():
            clear, created = BonusClear.objects.get_or_create(person=person, mission=row.mission)
            if created:
                points.award(
                    person,
                    points=row.mission.points,
                    source="missions.bonus",
                    key=str(row.mission.pk),
                    reason=_("ボーナスミッション「%(title)s」") % {"title": row.mission.title},
                )
                cleared.append(clear)
    return cleared


def draw_lottery(*, person: Person, union: Union, day: dt.date) -> LotteryDraw:
    """The day's ポイントくじ: only after every daily mission of the day is cleared, once a
    day (a second submit, even at the same moment, gets the first result)."""
    existing = LotteryDraw.objects.filter(person=person, date=day).first()
    if existing is not None:
        return existing
    if not queries.all_cleared(queries.daily_missions(person, union, day)):
        raise MissionRefused(
            _("すべてのデイリーミッションをクリアすると、ポイントくじを引くことができます。")
        )
    prize = rules.draw(queries.prizes(union, Game.LOTTERY))
    name, won = (prize.name, prize.points) if prize else (_("はずれ"), 0)
    try:
        with transaction.atomic():
            result = LotteryDraw.objects.create(
                person=person, date=day, prize_name=name, points=won
            )
            points.award(
                person,
                points=won,
                source="missions.lottery",
                key=day.isoformat(),
                reason=_("ポイントくじ「%(name)s」") % {"name": name},
            )
    except IntegrityError:
        return LotteryDraw.objects.get(person=person, date=day)
    return result


def card_for(person: Person, day: dt.date) -> ScratchCard:
    """The member's card of the day, made (its ヘロン君 placed) the first time it is asked for."""
    card, _created = ScratchCard.objects.get_or_create(
        person=person, date=day, defaults={"hits": rules.new_layout()}
    )
    return card


def scratch(*, person: Person, cell: int, day: dt.date) -> tuple[ScratchCard, bool]:
    """Scratch one cell of the day's card with one coin; a ヘロン君 earns 1 pt. Returns the card
    and whether the cell was a hit."""
    if not 0 <= cell < rules.CELLS:
        raise MissionRefused(_("削る場所を選んでください。"))
    card_for(person, day)
    coins = rules.coins_for(queries.steps_today(person, day))
    with transaction.atomic():
        card = ScratchCard.objects.select_for_update().get(person=person, date=day)
        if not card.valid_on(day):
            raise MissionRefused(_("このスクラッチカードは有効期限が切れました。"))
        if cell in card.scratched:
            raise MissionRefused(_("この場所はすでに削りました。"))
        if len(card.scratched) >= coins:
            raise MissionRefused(_("コインがありません。歩数を記録するとコインを獲得できます。"))
        card.scratched = [*card.scratched, cell]
        card.save(update_fields=["scratched"])
        hit = cell in card.hits
        if hit:
            points.award(
                person,
                points=rules.HIT_POINTS,
                source="missions.scratch",
                key=f"{card.pk}:{cell}",
                reason=_("歩いてスクラッチ"),
            )
    return card, hit


def spin_roulette(*, person: Person, union: Union, day: dt.date) -> ScratchCard:
    """The bingo's bonus roulette: once per card, only after a bingo on the day's card."""
    with transaction.atomic():
        card = ScratchCard.objects.select_for_update().filter(person=person, date=day).first()
        if card is None or not card.valid_on(day):
            raise MissionRefused(_("このスクラッチカードは有効期限が切れました。"))
        if card.roulette_points is not None:
            return card
        if not rules.bingo_lines(card.hits, card.scratched):
            raise MissionRefused(_("ビンゴを達成するとルーレットを回すことができます。"))
        prize = rules.draw(queries.prizes(union, Game.ROULETTE))
        card.roulette_name, card.roulette_points = (
            (prize.name, prize.points) if prize else (_("はずれ"), 0)
        )
        card.save(update_fields=["roulette_name", "roulette_points"])
        points.award(
            person,
            points=card.roulette_points,
            source="missions.roulette",
            key=str(card.pk),
            reason=_("歩いてスクラッチのビンゴ"),
        )
    return card


def expire_cards(day: dt.date) -> int:
    """Cards and coins are valid on their own date only: mark every older card expired
    (pages and services also compare the date, so a late run changes nothing they show)."""
    return ScratchCard.objects.filter(date__lt=day, expired=False).update(expired=True)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return month_start(month - dt.timedelta(days=1))


def compute_ranks(month: dt.date) -> int:
    """Each member's rank for `month` from their login days of the month before, in every
    union with the ミッション contract. Safe to re-run: the same rows come out."""
    month = month_start(month)
    start, end = previous_month(month), month - dt.timedelta(days=1)
    written = 0
    for union in Union.objects.all():
        if not union.has_feature(FEATURE):
            continue
        thresholds = queries.rank_thresholds(union)
        counts = (
            Activity.objects.filter(
                person__household__union=union,
                action=Action.LOGIN,
                date__range=(start, end),
            )
            .values("person_id")
            .annotate(days=Count("date"))
        )
        rows = [
            MonthlyRank(
                person_id=row["person_id"],
                month=month,
                login_days=row["days"],
                rank=rules.rank_for(row["days"], thresholds),
            )
            for row in counts
        ]
        MonthlyRank.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["person", "month"],
            update_fields=["rank", "login_days"],
        )
        written += len(rows)
    return written
