"""The judgement engine against every worked case of reference/checkup/cases.csv (copied here
as tests/checkup/cases.csv), and the rules' edges the cases do not reach."""

import copy
import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from checkup import criteria
from checkup.criteria import Facts, Guidance, Metabolic, Rules

CASES_FILE = Path(__file__).with_name("cases.csv")
CASES = list(csv.DictReader(CASES_FILE.open(encoding="utf-8")))
METABOLIC = {label: key for key, label in Metabolic.LABELS.items()}
GUIDANCE = {label: key for key, label in Guidance.LABELS.items()}
GRADE_COLUMNS = {
    "grade_sbp": "sbp",
    "grade_dbp": "dbp",
    "grade_fpg": "fpg",
    "grade_hba1c": "hba1c",
    "grade_ldl": "ldl",
    "grade_hdl": "hdl",
    "grade_tg": "tg",
    "grade_bmi": "bmi",
}
CATEGORY_COLUMNS = {
    "grade_bp_category": "bp",
    "grade_glucose_category": "glucose",
    "grade_lipid_category": "lipid",
}


def facts_of(case: dict) -> Facts:
    """A case row as the engine's facts: 特定健診 answers are 1 (はい) / 2 (いいえ)."""
    values = {}
    for key in ("waist", "bmi", "sbp", "dbp", "hdl", "ldl", "fpg", "hba1c"):
        if case[key]:
            values[key] = Decimal(case[key])
    values["tg" if case["fasting"] == "1" else "tg_random"] = Decimal(case["tg"])
    for key in ("smoker", "med_bp", "med_glucose", "med_lipid"):
        values[key] = "1" if case[key] == "1" else "2"
    return Facts(sex="1" if case["sex"] == "M" else "2", age=int(case["age"]), values=values)


@pytest.fixture(scope="module")
def rules():
    return Rules.with_overrides([])


@pytest.mark.parametrize("case", CASES, ids=[f"case{c['case']}" for c in CASES])
def test_metabolic_judgement_matches_the_case(rules, case):
    assert criteria.metabolic(rules, facts_of(case)) == METABOLIC[case["metabolic"]], case["note"]


@pytest.mark.parametrize("case", CASES, ids=[f"case{c['case']}" for c in CASES])
def test_guidance_level_matches_the_case(rules, case):
    level = criteria.guidance_level(rules, facts_of(case))
    assert level == GUIDANCE[case["guidance_level"]], case["note"]


@pytest.mark.parametrize("case", CASES, ids=[f"case{c['case']}" for c in CASES])
def test_item_and_category_grades_match_the_case(rules, case):
    evaluation = criteria.evaluate(rules, facts_of(case))
    judged = evaluation.judged
    categories = {category.key: category.grade for category in evaluation.categories}

    for column, key in GRADE_COLUMNS.items():
        expected = case[column] or None
        actual = judged[key].grade if key in judged else None
        assert actual == expected, f"{column}: {case['note']}"
    for column, key in CATEGORY_COLUMNS.items():
        assert categories[key] == case[column], f"{column}: {case['note']}"


def test_every_case_of_the_reference_file_is_here():
    assert len(CASES) == 55
    assert {case["case"] for case in CASES} == {str(n) for n in range(1, 56)}


def test_findings_are_the_categories_graded_below_a(rules):
    facts = Facts(
        sex="1", age=50, values={"sbp": Decimal("142"), "ldl": Decimal("100"), "fpg": Decimal(90)}
    )

    evaluation = criteria.evaluate(rules, facts)

    assert [c.key for c in evaluation.findings] == ["bp"]
    assert evaluation.risks == [c for c in evaluation.findings if c.risk]


def test_age_is_the_one_reached_by_the_end_of_the_exams_fiscal_year():
    june, february = dt.date(2025, 6, 14), dt.date(2026, 2, 1)

    assert criteria.fiscal_year_age(dt.date(1975, 3, 31), june) == 51
    assert criteria.fiscal_year_age(dt.date(1975, 4, 1), june) == 50
    assert criteria.fiscal_year_age(dt.date(1975, 4, 1), february) == 50
    assert criteria.fiscal_year_age(dt.date(1976, 3, 31), dt.date(2026, 4, 1)) == 51


def test_a_value_below_a_reference_lower_bound_is_marked_low():
    data = copy.deepcopy(criteria.base_rules())
    for raw in data["items"]:
        if raw["key"] == "glucose_random":
            raw["in_reference"] = {"*": {"ge": 70, "lt": 100}}
    rules = Rules(data)
    item = rules.items["glucose_random"]

    assert rules.judge(item, "1", Decimal("60")).direction == "low"
    assert rules.judge(item, "1", Decimal("120")).direction == "high"
    assert rules.judge(item, "1", Decimal("80")).direction == ""
    assert rules.judge(rules.items["urine_glucose"], "1", "+").direction == "high"


def _active_at_fifty(birth_date: dt.date, exam_date: dt.date) -> Facts:
    """Waist 90 (man) with high glucose, blood pressure and lipids: 積極的支援 at 50."""
    return Facts(
        sex="1",
        age=criteria.fiscal_year_age(birth_date, exam_date),
        values={
            "waist": Decimal("90"),
            "fpg": Decimal("110"),
            "sbp": Decimal("140"),
            "tg": Decimal("200"),
            "smoker": "2",
            "med_bp": "2",
            "med_glucose": "2",
            "med_lipid": "2",
        },
        age_on_exam_day=criteria.age_on(birth_date, exam_date),
    )


# An exam in June 2026: the 年度 ends on 31 March 2027.
EXAM = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (dt.date(1976, 6, 1), Guidance.ACTIVE),  # 50
        (dt.date(1962, 3, 31), Guidance.MOTIVATIONAL),  # 65 at the end of the 年度
        (dt.date(1962, 4, 1), Guidance.ACTIVE),  # 64 at the end of the 年度
        (dt.date(1952, 4, 1), Guidance.MOTIVATIONAL),  # 74 at the end of the 年度
        # Turning 75 on the last day of the 年度: 74 on the exam day, capped like 65–74.
        (dt.date(1952, 3, 31), Guidance.MOTIVATIONAL),
        (dt.date(1951, 6, 2), Guidance.MOTIVATIONAL),  # 74 on the exam day, 75 the next day
        # 75 on the exam day: no 特定保健指導 any more.
        (dt.date(1951, 6, 1), Guidance.OVER_AGE),
        (dt.date(1951, 4, 1), Guidance.OVER_AGE),
    ],
)
def test_guidance_is_capped_for_those_turning_75_in_the_year_and_ends_at_74(
    rules, birth_date, expected
):
    assert criteria.guidance_level(rules, _active_at_fifty(birth_date, EXAM)) == expected


def test_without_the_exam_day_age_a_fiscal_year_age_of_75_is_capped_not_active(rules):
    facts = _active_at_fifty(dt.date(1952, 3, 31), EXAM)
    facts.age_on_exam_day = None

    assert facts.age == 75
    assert criteria.guidance_level(rules, facts) == Guidance.MOTIVATIONAL
    facts.age = 76
    assert criteria.guidance_level(rules, facts) == Guidance.OVER_AGE
