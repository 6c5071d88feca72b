"""保険者番号: 8 digits whose last one is a check digit (検証番号, 保険者番号等の設定要領).

法別番号 (2) + 都道府県番号 (2) + 保険者別番号 (3) + 検証番号 (1). The 検証番号: multiply the
first seven digits by 2, 1, 2, 1 … starting from the last of them; add the products, a
two-digit product counting as the sum of its digits; the 検証番号 is 10 minus the last digit
of that sum (0 when the last digit is 0). E.g. 33120015: 6+3+2+2+0+0+2 = 15 → 10 − 5 = 5.
"""

from __future__ import annotations

WRONG_FORMAT = "保険者番号「{value}」は8桁の数字で入力してください"
WRONG_CHECK_DIGIT = "保険者番号「{value}」の検証番号（8桁目）が正しくありません"


def check_digit(first_seven: str) -> int:
    """The 検証番号 of the first seven digits of a 保険者番号."""
    total = 0
    for position, digit in enumerate(reversed(first_seven)):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def insurer_number_error(value: str) -> str | None:
    """Why `value` is not a valid 8-digit 保険者番号, or None if it is."""
    if not (len(value) == 8 and value.isascii() and value.isdigit()):
        return WRONG_FORMAT.format(value=value)
    if check_digit(value[:7]) != int(value[7]):
        return WRONG_CHECK_DIGIT.format(value=value)
    return None
