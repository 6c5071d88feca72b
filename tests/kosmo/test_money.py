from decimal import Decimal

import pytest

from kosmo.money import format_en, format_yen, round_half_up, to_yen


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.5", 1), ("1.5", 2), ("2.5", 3), ("2.4999", 2), ("-0.5", -1), ("702.9", 703)],
)
def test_rounding_is_half_up_to_the_yen(value, expected):
    assert to_yen(Decimal(value)) == expected


def test_rounding_to_places():
    assert round_half_up(Decimal("13.35"), 1) == Decimal("13.4")


def test_float_is_refused_for_money():
    with pytest.raises(TypeError):
        round_half_up(0.5)


def test_yen_formats_as_the_manual():
    assert format_yen(12960) == "¥12,960"
    assert format_yen(0) == "¥0"
    assert format_yen(None) == "-"
    assert format_en(1914) == "1,914円"


def test_unit_prices_print_as_the_manual_without_trailing_zeros():
    from kosmo.templatetags.kosmo import plain_number

    assert plain_number(Decimal("14.70")) == "14.7"
    assert plain_number(Decimal("126.000")) == "126"
    assert plain_number(Decimal("22.45")) == "22.45"
