"""高額療養費's 自己負担限度額 by 所得区分 (69 and under), with the figures of the usual
example: 総医療費 1,000,000円 at 3割 is 300,000円 at the window."""

import pytest

from kosmo import high_cost


@pytest.mark.parametrize(
    ("band", "limit"),
    [("ア", 254_180), ("イ", 171_820), ("ウ", 87_430), ("エ", 57_600), ("オ", 35_400)],
)
def test_the_monthly_limit_for_a_million_yen_of_care(band, limit):
    assert high_cost.monthly_limit(1_000_000, band) == limit


def test_band_u_pays_back_what_passes_the_limit():
    assert high_cost.refund(total_cost=1_000_000, patient_paid=300_000, band="ウ") == 212_570


def test_nothing_is_paid_back_under_the_limit():
    assert high_cost.refund(total_cost=180_000, patient_paid=54_000, band="ウ") == 0


def test_the_one_percent_is_rounded_half_up():
    assert high_cost.monthly_limit(267_050, "ウ") == 80_101  # 0.5円 → 1円
    assert high_cost.monthly_limit(267_049, "ウ") == 80_100
