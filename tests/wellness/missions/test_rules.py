"""The manual's rules as data: coins by steps, the bingo lines, ranks, and the draws' odds."""

import math
from collections import Counter

import pytest

from wellness.missions import queries, rules
from wellness.missions.models import Game, Rank


@pytest.mark.parametrize(
    ("steps", "coins"),
    [
        (None, 0),
        (0, 0),
        (2999, 0),
        (3000, 1),
        (5999, 1),
        (6000, 2),
        (7999, 2),
        (8000, 4),
        (20000, 4),
    ],
)
def test_coins_follow_the_recorded_steps_3000_6000_8000(steps, coins):
    assert rules.coins_for(steps) == coins


def test_there_are_eight_lines():
    assert len(set(rules.LINES)) == 8


@pytest.mark.parametrize("line", rules.LINES)
def test_three_revealed_herons_in_a_line_are_a_bingo(line):
    other = next(cell for cell in range(9) if cell not in line)
    hits = [*line, other]

    assert rules.bingo_lines(hits, scratched=line) == [line]
    # Two of the three scratched: no bingo yet.
    assert rules.bingo_lines(hits, scratched=line[:2]) == []
    # The three cells scratched but one is not ヘロン君: no bingo.
    assert rules.bingo_lines([line[0], line[1], other], scratched=line) == []


def test_a_new_card_has_four_distinct_hits_on_the_nine_cells():
    for _ in range(200):
        layout = rules.new_layout()
        assert len(set(layout)) == 4
        assert set(layout) <= set(range(9))


def test_layouts_vary():
    assert len({tuple(rules.new_layout()) for _ in range(200)}) > 20


@pytest.mark.parametrize(
    ("days", "rank"),
    [
        (0, Rank.BRONZE),
        (4, Rank.BRONZE),
        (5, Rank.SILVER),
        (9, Rank.SILVER),
        (10, Rank.GOLD),
        (19, Rank.GOLD),
        (20, Rank.PLATINUM),
        (31, Rank.PLATINUM),
    ],
)
def test_default_rank_thresholds_at_their_boundaries(days, rank):
    assert rules.rank_for(days, rules.DEFAULT_RANK_DAYS) == rank


def test_lottery_odds_over_many_draws_are_the_weights():
    """20,000 draws of the default ポイントくじ: each prize within 5 standard deviations of
    its share (a wrong weight of a few per cent falls far outside)."""
    table = [queries.PrizeRow(*row) for row in queries.DEFAULT_PRIZES[Game.LOTTERY]]
    draws = 20_000
    counts = Counter(rules.draw(table).name for _ in range(draws))
    total = sum(prize.weight for prize in table)
    for prize in table:
        share = prize.weight / total
        expected = draws * share
        deviation = math.sqrt(draws * share * (1 - share))
        assert abs(counts[prize.name] - expected) < 5 * deviation, (prize.name, counts)
    assert set(counts) == {"1等", "2等", "3等", "はずれ"}


def test_a_prize_of_weight_zero_is_never_drawn():
    table = [queries.PrizeRow("1等", 10, 0), queries.PrizeRow("はずれ", 0, 1)]
    assert {rules.draw(table).name for _ in range(500)} == {"はずれ"}
