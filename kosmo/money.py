"""Money: yen are integers, unit prices Decimal, one rounding rule (half-up to the yen)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal | int | str, places: int = 0) -> Decimal:
    """Round half away from zero (四捨五入), as Japanese claims and notices do.

    Floats are refused: they cannot represent 0.5-yen boundaries exactly.
    """
    if isinstance(value, float):
        raise TypeError("use Decimal or int for money, never float")
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def to_yen(value: Decimal | int | str) -> int:
    """An amount rounded half-up to a whole yen."""
    return int(round_half_up(value))


def format_yen(amount: int | None) -> str:
    """``¥12,960`` as in the manual's tables."""
    if amount is None:
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(int(amount)):,}"


def format_en(amount: int | None) -> str:
    """``1,914円`` as in the manual's running text."""
    if amount is None:
        return "-"
    return f"{int(amount):,}円"
