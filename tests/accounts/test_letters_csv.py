"""`manage.py issue_accounts`: the letters CSV opens in Excel without running a formula."""

import csv
import io

import pytest
from django.core.management import call_command

from kosmo.spreadsheets import FORMULA_STARTS
from tests import factories
from tests.kosmo.test_spreadsheets import ATTACKS


@pytest.mark.parametrize(("typed", "neutralised"), ATTACKS)
def test_letters_csv_cells_never_run_as_a_formula_in_excel(tmp_path, union, typed, neutralised):
    factories.PersonFactory(
        household=factories.HouseholdFactory(union=union), family_name=typed, given_name="一"
    )
    output = tmp_path / "letters.csv"

    call_command(
        "issue_accounts", "--union", union.slug, "--output", str(output), stdout=io.StringIO()
    )

    with open(output, encoding="utf-8-sig", newline="") as written:
        [header, row] = list(csv.reader(written))
    assert row[header.index("氏名")] == neutralised + " 一"
    assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
