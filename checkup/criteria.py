"""The judgement engine: reads the versioned rules file (checkup/rules/) and a union's
overrides, and grades one checkup. Every threshold lives in the data; this module only knows
how to apply a condition such as ``{"ge": 130}`` or ``{"in": ["-"]}``.

The rules and their sources are described in docs/checkup.md (from the project's
reference/checkup/CRITERIA.md). Conditions compare a value as it was reported (no rounding):
``ge`` ≥ (以上), ``gt`` >, ``le`` ≤ (以下), ``lt`` < (未満), ``in`` one of (qualitative values).
Grade bands are ordered; the first band whose conditions hold gives the grade, and a band
without a condition takes every remaining value.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from kosmo import dates

RULES_FILE = Path(__file__).resolve().parent / "rules" / "criteria_r6.json"

GRADES = ("A", "B", "C", "D")
ANY_SEX = "*"
YES, NO = "1", "2"  # 特定健診 questionnaire answers: 1 はい, 2 いいえ

_OPERATORS = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}
_CONDITION_KEYS = {*_OPERATORS, "in"}

# Qualitative results as they arrive (full-width signs, brackets) → the form the rules use.
_QUALITATIVE = {
    "-": "-", "－": "-", "−": "-", "ー": "-", "(-)": "-", "（－）": "-", "陰性": "-",
    "±": "±", "(±)": "±", "（±）": "±", "+-": "±",
    "+": "+", "＋": "+", "(+)": "+", "（＋）": "+", "1+": "+", "陽性": "+",
    "2+": "2+", "++": "2+", "(2+)": "2+", "（2＋）": "2+", "２＋": "2+",
    "3+": "3+", "+++": "3+", "(3+)": "3+", "（3＋）": "3+", "３＋": "3+",
    "4+": "4+", "++++": "4+", "(4+)": "4+", "４＋": "4+",
}  # fmt: skip
QUALITATIVE_VALUES = ("-", "±", "+", "2+", "3+", "4+")


class Metabolic:
    """メタボリックシンドローム判定 (特定健診 report code 9N501000000000011)."""

    CRITERIA, RESERVE, NONE, UNDETERMINED = "criteria", "reserve", "none", "undetermined"
    LABELS = {
        CRITERIA: "基準該当",
        RESERVE: "予備群該当",
        NONE: "非該当",
        UNDETERMINED: "判定不能",
    }


class Guidance:
    """保健指導レベル (特定健診 report code 9N506000000000011)."""

    ACTIVE, MOTIVATIONAL, INFORMATION = "active", "motivational", "information"
    EXCLUDED, UNDETERMINED = "excluded", "undetermined"
    OVER_AGE = "over_age"
    LABELS = {
        ACTIVE: "積極的支援",
        MOTIVATIONAL: "動機付け支援",
        INFORMATION: "情報提供",
        EXCLUDED: "対象外(服薬中)",
        OVER_AGE: "対象外(75歳以上)",
        UNDETERMINED: "判定不能",
    }


# --- Loading the rules --------------------------------------------------------------------------


@cache
def base_rules() -> dict[str, Any]:
    """The rules file as shipped (parsed once per process; never mutated)."""
    with open(RULES_FILE, encoding="utf-8") as source:
        return json.load(source, parse_float=Decimal)


@dataclass(frozen=True)
class Item:
    key: str
    code: str
    name: str
    unit: str
    group: str
    kind: str  # number, qualitative or answer (questionnaire)
    aliases: tuple[str, ...]
    grades: Mapping[str, list[dict]]
    reference: Mapping[str, str]
    in_reference: Mapping[str, dict]
    referral: Mapping[str, dict]
    about: str = ""

    def for_sex(self, table: Mapping[str, Any], sex: str) -> Any:
        return table.get(sex, table.get(ANY_SEX))

    def reference_text(self, sex: str) -> str:
        return self.for_sex(self.reference, sex) or ""

    def parse(self, text: str) -> Decimal | str | None:
        """The value as the rules compare it, or None if it is not a valid value of the item."""
        text = (text or "").strip()
        if self.kind == "number":
            if not text.isascii():
                return None
            try:
                number = Decimal(text)
            except InvalidOperation:
                return None
            return number if number.is_finite() and number >= 0 else None
        if self.kind == "qualitative":
            return _QUALITATIVE.get(text.replace(" ", ""))
        return text if text in (YES, NO) else None


@dataclass(frozen=True)
class Judged:
    """One value against the item's rules."""

    grade: str | None  # A–D, or None where the item is not graded
    out_of_range: bool  # outside the reference (基準値): the red cell
    direction: str  # "high" / "low" beside the reference, "" inside it
    referral: bool  # at or past the 受診勧奨判定値


class Rules:
    """The rules one union uses: the shipped file with the union's overrides applied."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.version: str = data["version"]
        self.groups: list[dict] = data["groups"]
        self.categories: list[dict] = data["categories"]
        self.overall: dict[str, str] = data["overall"]
        self.grade_labels: dict[str, str] = data["grade_labels"]
        self.items: dict[str, Item] = {}
        self.by_code: dict[str, Item] = {}
        for raw in data["items"]:
            item = Item(
                key=raw["key"],
                code=raw["code"],
                name=raw["name"],
                unit=raw.get("unit", ""),
                group=raw["group"],
                kind=raw["kind"],
                aliases=tuple(raw.get("aliases", ())),
                grades=raw.get("grades", {}),
                reference=raw.get("reference", {}),
                in_reference=raw.get("in_reference", {}),
                referral=raw.get("referral", {}),
                about=raw.get("about", ""),
            )
            self.items[item.key] = item
            for code in (item.code, *item.aliases):
                self.by_code[code] = item

    @classmethod
    def for_union(cls, union, overrides: Iterable | None = None) -> Rules:
        """The union's rules (one query for its overrides unless they are given)."""
        if overrides is None:
            from checkup.models import CriteriaOverride

            overrides = CriteriaOverride.objects.filter(union=union) if union else []
        return cls.with_overrides(overrides)

    @classmethod
    def with_overrides(cls, overrides: Iterable) -> Rules:
        overrides = list(overrides)
        if not overrides:
            return _shipped_rules()
        data = copy.deepcopy(base_rules())
        items = {raw["key"]: raw for raw in data["items"]}
        for override in overrides:
            raw = items.get(override.item_key)
            if raw is None:
                continue
            sex = override.sex or ANY_SEX
            for name in ("grades", "in_reference", "referral", "reference"):
                value = override.rule_value(name)
                if value is None:
                    continue
                table = raw.setdefault(name, {})
                if sex == ANY_SEX:
                    table.clear()
                table[sex] = value
        return cls(data)

    def category_of(self, key: str) -> dict | None:
        """The rich version's category (血圧, 血糖 …) an item is graded in, if any."""
        return next((c for c in self.categories if key in c["items"]), None)

    # --- One value ---

    def judge(self, item: Item, sex: str, value: Decimal | str | None) -> Judged | None:
        if value is None or item.kind == "answer":
            return None
        bands = item.for_sex(item.grades, sex)
        grade, direction = None, ""
        if bands:
            position = next(
                (i for i, band in enumerate(bands) if matches(band, value)), len(bands) - 1
            )
            grade = bands[position]["grade"]
            normal = next((i for i, band in enumerate(bands) if band["grade"] == "A"), None)
            out_of_range = grade != "A"
            if out_of_range and normal is not None:
                direction = "high" if position > normal else "low"
        else:
            condition = item.for_sex(item.in_reference, sex)
            out_of_range = condition is not None and not matches(condition, value)
            if out_of_range:
                direction = "low" if _below(condition, value) else "high"
        referral_condition = item.for_sex(item.referral, sex)
        referral = referral_condition is not None and matches(referral_condition, value)
        return Judged(grade, out_of_range, direction, referral)


@cache
def _shipped_rules() -> Rules:
    return Rules(base_rules())


def base_rules_item(code: str) -> Item | None:
    """The shipped rules' item for a 特定健診 code (or one of its method aliases)."""
    return _shipped_rules().by_code.get(code)


def matches(condition: Mapping[str, Any], value: Decimal | str) -> bool:
    """Whether `value` meets every comparison of `condition` (other keys are ignored)."""
    for key, bound in condition.items():
        if key == "in":
            if value not in bound:
                return False
        elif key in _OPERATORS and not (
            isinstance(value, Decimal) and _OPERATORS[key](value, Decimal(str(bound)))
        ):
            return False
    return True


def _below(condition: Mapping[str, Any], value: Decimal | str) -> bool:
    """Whether `value` misses one of the condition's lower bounds (ge/gt): a low value."""
    return any(
        key in ("ge", "gt") and not matches({key: bound}, value) for key, bound in condition.items()
    )


def worst(grades: Iterable[str | None]) -> str | None:
    present = [grade for grade in grades if grade]
    return max(present, key=GRADES.index) if present else None


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def fiscal_year_age(birth_date: dt.date, exam_date: dt.date) -> int:
    """The age reached by the end of the 年度 (31 March) of the exam (特定保健指導 step 5)."""
    _, end = dates.fiscal_year_bounds(dates.fiscal_year(exam_date))
    return age_on(birth_date, end)


# --- A whole checkup ----------------------------------------------------------------------------


@dataclass
class Facts:
    """What the judgements read: sex ("1" 男 / "2" 女), fiscal-year age, and the values by
    item key (Decimal for numbers, "-"/"±"/"+"… for qualitative, "1"/"2" for answers)."""

    sex: str
    age: int
    values: dict[str, Decimal | str]
    age_on_exam_day: int | None = None  # None: not known (the fiscal-year age alone decides)


@dataclass
class CategoryGrade:
    key: str
    label: str
    grade: str | None
    risk: str
    items: list[str] = field(default_factory=list)  # the category's items in this checkup
    # The item that set the grade: the first of the category's worst-graded items (its tile
    # opens this one).
    graded_by: str | None = None


@dataclass
class Evaluation:
    judged: dict[str, Judged]
    categories: list[CategoryGrade]
    overall: str | None
    overall_sentence: str
    metabolic: str
    guidance: str
    referrals: list[str] = field(default_factory=list)  # item keys at 受診勧奨判定値

    @property
    def findings(self) -> list[CategoryGrade]:
        """The graded categories that are not A (B–D), in the rules' order."""
        return [c for c in self.categories if c.grade and c.grade != "A"]

    @property
    def risks(self) -> list[CategoryGrade]:
        """The findings with a リスク解説 to show."""
        return [c for c in self.findings if c.risk]

    @property
    def metabolic_label(self) -> str:
        return Metabolic.LABELS[self.metabolic]

    @property
    def guidance_label(self) -> str:
        return Guidance.LABELS[self.guidance]


def evaluate(rules: Rules, facts: Facts) -> Evaluation:
    """Grades, categories, overall grade, メタボ判定 and 保健指導レベル of one checkup."""
    judged = {}
    for key, value in facts.values.items():
        item = rules.items.get(key)
        result = rules.judge(item, facts.sex, value) if item else None
        if result is not None:
            judged[key] = result
    categories = []
    for category in rules.categories:
        present = [key for key in category["items"] if key in judged]
        grade = worst(judged[key].grade for key in present)
        categories.append(
            CategoryGrade(
                category["key"],
                category["label"],
                grade,
                category.get("risk", ""),
                present,
                next((key for key in present if grade and judged[key].grade == grade), None),
            )
        )
    overall = worst(category.grade for category in categories)
    return Evaluation(
        judged=judged,
        categories=categories,
        overall=overall,
        overall_sentence=rules.overall.get(overall, "") if overall else "",
        metabolic=metabolic(rules, facts),
        guidance=guidance_level(rules, facts),
        referrals=[key for key, result in judged.items() if result.referral],
    )


def _condition(rules: Rules, condition: dict, facts: Facts) -> bool | None:
    """One threshold of the metabolic or guidance rules: None when the item was not measured
    or is not the one to use (``unless``: a preferred item was measured)."""
    if any(other in facts.values for other in condition.get("unless", ())):
        return None
    value = facts.values.get(condition["item"])
    if value is None:
        return None
    bounds = condition.get("sex", {}).get(facts.sex, condition)
    return matches({k: v for k, v in bounds.items() if k in _CONDITION_KEYS}, value)


def _any(rules: Rules, conditions: list[dict], facts: Facts) -> bool | None:
    """True if one condition holds, False if some were measured and none holds, else None."""
    results = [_condition(rules, condition, facts) for condition in conditions]
    if any(results):
        return True
    return False if any(result is False for result in results) else None


def _answer(facts: Facts, key: str) -> bool | None:
    value = facts.values.get(key)
    return None if value is None else value == YES


def _decide(flags: dict[str, bool | None], decide) -> str | None:
    """`decide(flags)` when every unknown flag could be either: one answer, or None."""
    unknown = [name for name, value in flags.items() if value is None]
    outcomes = set()
    for choice in itertools.product((False, True), repeat=len(unknown)):
        outcomes.add(decide({**flags, **dict(zip(unknown, choice, strict=True))}))
    return outcomes.pop() if len(outcomes) == 1 else None


def metabolic(rules: Rules, facts: Facts) -> str:
    """メタボリックシンドローム判定: the waist first, then the risk groups (medication counts).

    A missing waist is 判定不能 (as ORCA); a missing risk group is 判定不能 only when it could
    change the result."""
    spec = rules.data["metabolic"]
    body = _any(rules, spec["body"], facts)
    if body is None:
        return Metabolic.UNDETERMINED
    if not body:
        return Metabolic.NONE
    flags = {}
    for risk in spec["risks"]:
        measured = _any(rules, risk["any"], facts)
        medicated = _answer(facts, risk["medication"])
        if measured or medicated:
            flags[risk["key"]] = True
        elif measured is None or medicated is None:
            flags[risk["key"]] = None
        else:
            flags[risk["key"]] = False

    def decide(values: dict[str, bool]) -> str:
        count = sum(values.values())
        return next(level["level"] for level in spec["levels"] if count >= level["min_risks"])

    return _decide(flags, decide) or Metabolic.UNDETERMINED


def guidance_level(rules: Rules, facts: Facts) -> str:
    """特定保健指導の階層化: medication excludes; body group; risks; smoking; level; age cap.

    `facts.age` is the fiscal-year age (`fiscal_year_age`): someone turning 75 in the 年度 is
    still 74 on the exam day and is capped like 65–74 (the `age_caps` band reaches 75).
    特定保健指導 ends at `max_age` (74) on the exam day: anyone older is not a target.
    """
    spec = rules.data["guidance"]
    age_on_exam_day = facts.age_on_exam_day
    if age_on_exam_day is None:
        age_on_exam_day = facts.age - 1  # the youngest it can be: 75 at the end means 74
    if age_on_exam_day > spec["max_age"]:
        return Guidance.OVER_AGE
    flags: dict[str, bool | None] = {}
    for medication in spec["exclude_if_medication"]:
        flags[f"med:{medication}"] = _answer(facts, medication)
    for body in spec["body"]:
        flags[f"body:{body['group']}"] = _any(rules, body["any"], facts)
    for risk in spec["risks"]:
        flags[f"risk:{risk['key']}"] = _any(rules, risk["any"], facts)
    smoking = spec["smoking"]
    flags["smoker"] = _answer(facts, smoking["answer"])

    def decide(values: dict[str, bool]) -> str:
        if any(values[f"med:{m}"] for m in spec["exclude_if_medication"]):
            return Guidance.EXCLUDED
        group = next((str(b["group"]) for b in spec["body"] if values[f"body:{b['group']}"]), None)
        if group is None:
            return Guidance.INFORMATION
        risks = sum(values[f"risk:{risk['key']}"] for risk in spec["risks"])
        if values["smoker"] and risks >= smoking["only_with_risks"]:
            risks += 1
        level = next(
            entry["level"] for entry in spec["levels"][group] if risks >= entry["min_risks"]
        )
        for cap in spec["age_caps"]:
            if cap["from_age"] <= facts.age <= cap["to_age"] and level == cap["level"]:
                level = cap["becomes"]
        return level

    return _decide(flags, decide) or Guidance.UNDETERMINED
