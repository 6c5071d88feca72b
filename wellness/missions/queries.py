"""The read side of ミッション: the day's missions with their state, bonus missions with their
progress, the rank, the prizes and the scratch card as the page may show it. Everything about a
member starts from the member."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, Union
from wellness.missions import rules
from wellness.missions.models import (
    Action,
    Activity,
    BonusClear,
    BonusMission,
    DailyClear,
    DailyMission,
    Game,
    LotteryDraw,
    MonthlyRank,
    Prize,
    Rank,
    RankThreshold,
    ScratchCard,
)
from wellness.records import queries as records

# The prizes of a union that set none of its own (name, points, weight).
DEFAULT_PRIZES: dict[str, tuple[tuple[str, int, int], ...]] = {
    Game.LOTTERY: (
        (str(_("1等")), 10, 5),
        (str(_("2等")), 5, 15),
        (str(_("3等")), 1, 40),
        (str(_("はずれ")), 0, 40),
    ),
    Game.ROULETTE: (
        (str(_("10ポイント")), 10, 1),
        (str(_("5ポイント")), 5, 3),
        (str(_("3ポイント")), 3, 6),
    ),
}


@dataclass
class DailyRow:
    mission: DailyMission
    cleared: bool
    met: bool


def steps_today(person: Person, day: dt.date) -> int | None:
    return records.steps_on(person, day)


# `steps` not given: daily_missions reads the day's steps itself when a mission needs them.
STEPS_UNREAD = object()


def daily_missions(
    person: Person, union: Union, day: dt.date, steps: object = STEPS_UNREAD
) -> list[DailyRow]:
    """The union's published daily missions, each cleared (its row exists) and met (the
    member's activities of `day` satisfy it now). Three queries, four with a steps mission
    unless the caller already read the day's `steps` (the TOP page's block)."""
    missions = list(DailyMission.objects.filter(union=union, published=True))
    cleared = set(
        DailyClear.objects.filter(person=person, date=day).values_list("mission_id", flat=True)
    )
    done = set(Activity.objects.filter(person=person, date=day).values_list("action", flat=True))
    if steps is STEPS_UNREAD:
        steps = None
        if any(mission.action == Action.STEPS for mission in missions):
            steps = steps_today(person, day)
    rows = []
    for mission in missions:
        if mission.action == Action.STEPS:
            met = steps is not None and steps >= mission.threshold
        else:
            met = mission.action in done
        rows.append(DailyRow(mission, mission.pk in cleared, met))
    return rows


def all_cleared(rows: list[DailyRow]) -> bool:
    return bool(rows) and all(row.cleared for row in rows)


def lottery_draw(person: Person, day: dt.date) -> LotteryDraw | None:
    return LotteryDraw.objects.filter(person=person, date=day).first()


@dataclass
class PrizeRow:
    name: str
    points: int
    weight: int


def prizes(union: Union, game: str) -> list:
    """The union's prizes of the game, or the defaults while it has none."""
    rows = list(Prize.objects.filter(union=union, game=game))
    if rows:
        return rows
    return [PrizeRow(name, won, weight) for name, won, weight in DEFAULT_PRIZES[game]]


@dataclass
class BonusRow:
    mission: BonusMission
    progress: int
    cleared: bool

    @property
    def percent(self) -> int:
        return min(100, self.progress * 100 // self.mission.target) if self.mission.target else 100


def bonus_progress(person: Person, mission: BonusMission, day: dt.date) -> int:
    """Days of the mission's action in its period up to `day`; for steps, the steps in all."""
    end = min(day, mission.end_on)
    if end < mission.start_on:
        return 0
    if mission.action == Action.STEPS:
        return sum(records.steps_between(person, mission.start_on, end).values())
    return Activity.objects.filter(
        person=person, action=mission.action, date__range=(mission.start_on, end)
    ).count()


def bonus_missions(person: Person, union: Union, day: dt.date) -> list[BonusRow]:
    """The union's published bonus missions under way on `day`, with the member's progress."""
    missions = BonusMission.objects.filter(
        union=union, published=True, start_on__lte=day, end_on__gte=day
    )
    cleared = set(BonusClear.objects.filter(person=person).values_list("mission_id", flat=True))
    return [
        BonusRow(mission, bonus_progress(person, mission, day), mission.pk in cleared)
        for mission in missions
    ]


def rank_thresholds(union: Union) -> dict[str, int]:
    """Least login days of each rank: the defaults, with the union's own rows over them."""
    thresholds = dict(rules.DEFAULT_RANK_DAYS)
    thresholds.update(RankThreshold.objects.filter(union=union).values_list("rank", "min_days"))
    return thresholds


@dataclass
class RankView:
    rank: str
    label: str
    login_days: int  # this month so far
    next_rank_label: str  # the rank those days give next month, as of now


def login_days(person: Person, month: dt.date, day: dt.date) -> int:
    return Activity.objects.filter(
        person=person, action=Action.LOGIN, date__range=(month, day)
    ).count()


def monthly(person: Person, union: Union, day: dt.date) -> RankView:
    """「今月のランク」 (the scheduled task's row for this month; ブロンズ without one) and this
    month's login days so far with the rank they would give next month."""
    month = day.replace(day=1)
    row = MonthlyRank.objects.filter(person=person, month=month).only("rank").first()
    rank = row.rank if row else Rank.BRONZE
    days = login_days(person, month, day)
    upcoming = rules.rank_for(days, rank_thresholds(union))
    return RankView(rank, Rank(rank).label, days, Rank(upcoming).label)


def rank_table(union: Union) -> list[tuple[str, int]]:
    thresholds = rank_thresholds(union)
    ordered = sorted(thresholds.items(), key=lambda row: row[1])
    return [(Rank(rank).label, least) for rank, least in ordered]


@dataclass
class Cell:
    index: int
    scratched: bool
    hit: bool  # False for every cell not scratched: the page never learns where ヘロン君 is


@dataclass
class CardView:
    card: ScratchCard | None
    steps: int | None
    coins: int
    remaining: int
    cells: list[Cell]
    hits_found: int
    bingo: bool


def card_view(person: Person, day: dt.date) -> CardView:
    """The day's card as the page may show it: hit information for scratched cells only."""
    card = ScratchCard.objects.filter(person=person, date=day).first()
    steps = steps_today(person, day)
    coins = rules.coins_for(steps)
    scratched = set(card.scratched) if card else set()
    hits = set(card.hits) if card else set()
    cells = [
        Cell(index, index in scratched, index in scratched and index in hits)
        for index in range(rules.CELLS)
    ]
    return CardView(
        card=card,
        steps=steps,
        coins=coins,
        remaining=max(0, coins - len(scratched)),
        cells=cells,
        hits_found=sum(1 for cell in cells if cell.hit),
        bingo=bool(card and rules.bingo_lines(card.hits, card.scratched)),
    )
