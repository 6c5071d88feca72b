"""The fixed rules of the manual as data, and the small engine that reads them.

- Scratch coins (manual §4-14): 3,000 steps → 1 coin, 6,000 → 1 more, 8,000 → 2 more.
- The card: 3×3 cells, 4 of them ヘロン君; a row, a column or a diagonal of three = bingo.
- Ranks (§4-13): this month's login days → next month's rank; a union's RankThreshold rows
  override DEFAULT_RANK_DAYS.
- Draws (ポイントくじ, roulette): a prize's chance is its weight over the game's weights,
  drawn with `secrets` on the server.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from wellness.missions.models import Rank

# (least steps of the day, coins added at it)
COIN_STEPS: tuple[tuple[int, int], ...] = ((3000, 1), (6000, 1), (8000, 2))

CELLS = 9
HITS = 4
HIT_POINTS = 1  # each ヘロン君 revealed
LINES: tuple[tuple[int, int, int], ...] = (
    (0, 1, 2),
    (3, 4, 5),
    (6, 7, 8),
    (0, 3, 6),
    (1, 4, 7),
    (2, 5, 8),
    (0, 4, 8),
    (2, 4, 6),
)

# The defaults of a union without its own thresholds: least login days of the month.
DEFAULT_RANK_DAYS: dict[str, int] = {
    Rank.BRONZE: 0,
    Rank.SILVER: 5,
    Rank.GOLD: 10,
    Rank.PLATINUM: 20,
}


def coins_for(steps: int | None) -> int:
    """The coins a day's recorded steps give (none recorded: none)."""
    return sum(coins for least, coins in COIN_STEPS if steps is not None and steps >= least)


def new_layout() -> list[int]:
    """The hit cells of a new card, chosen with the operating system's secure generator."""
    return sorted(secrets.SystemRandom().sample(range(CELLS), HITS))


def bingo_lines(hits: Iterable[int], scratched: Iterable[int]) -> list[tuple[int, int, int]]:
    """The lines whose three cells are all ヘロン君 and all scratched."""
    revealed = set(hits) & set(scratched)
    return [line for line in LINES if revealed.issuperset(line)]


def rank_for(login_days: int, thresholds: dict[str, int]) -> str:
    """The highest rank whose least login days `login_days` reaches."""
    reached = [rank for rank, least in thresholds.items() if login_days >= least]
    return max(reached, key=lambda rank: thresholds[rank], default=Rank.BRONZE)


def draw(prizes: Sequence) -> object | None:
    """One prize, each with the chance weight / total weight (None when there is none)."""
    total = sum(prize.weight for prize in prizes)
    if total <= 0:
        return None
    ticket = secrets.randbelow(total)
    for prize in prizes:
        if ticket < prize.weight:
            return prize
        ticket -= prize.weight
    raise AssertionError("unreachable: the ticket is below the total weight")
