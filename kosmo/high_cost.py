"""高額療養費: the monthly 自己負担限度額 for people aged 69 or under, by 所得区分, as a table.

The union pays back what a month's 自己負担 at one 医療機関 passes the limit. (Claims of
21,000円 or more added up across 医療機関 or the household, 多数回該当 and the rules from
age 70 are the union's system's business; the demo has no such case.)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kosmo.money import to_yen


@dataclass(frozen=True)
class IncomeBand:
    """One 所得区分: 限度額 = base + (総医療費 − threshold) × rate, when the 総医療費 is above
    the threshold."""

    code: str
    label: str
    base: int
    threshold: int = 0
    rate: Decimal = Decimal(0)


BANDS = {
    band.code: band
    for band in [
        IncomeBand("ア", "標準報酬月額83万円以上", 252_600, 842_000, Decimal("0.01")),
        IncomeBand("イ", "標準報酬月額53万〜79万円", 167_400, 558_000, Decimal("0.01")),
        IncomeBand("ウ", "標準報酬月額28万〜50万円", 80_100, 267_000, Decimal("0.01")),
        IncomeBand("エ", "標準報酬月額26万円以下", 57_600),
        IncomeBand("オ", "住民税非課税", 35_400),
    ]
}


def monthly_limit(total_cost: int, band: str) -> int:
    """The 自己負担限度額 for a month's 総医療費 (half-up to the yen)."""
    rule = BANDS[band]
    return rule.base + to_yen(max(total_cost - rule.threshold, 0) * rule.rate)


def refund(*, total_cost: int, patient_paid: int, band: str) -> int:
    """What 高額療養費 pays back: the 自己負担 above the limit (0 when it is not passed)."""
    return max(patient_paid - monthly_limit(total_cost, band), 0)
