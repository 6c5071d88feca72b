"""The read side of the checkup pages: every query starts from what the member may see, and a
page costs the same number of queries however many checkups a person has."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from checkup.criteria import (
    Evaluation,
    Facts,
    Item,
    Judged,
    Rules,
    age_on,
    evaluate,
    fiscal_year_age,
)
from checkup.models import Checkup, CheckupResult, Column
from kosmo.models import Person

TABLE_EXAMS = 5  # the table shows the five most recent checkups, newest first


def chosen_person(member: Person, persons: list[Person], person_id: str | None) -> Person:
    """The person picked with ?person= among `persons` (already scoped), by default the member
    themself; anyone else is a 404."""
    if person_id in (None, ""):
        return next(p for p in persons if p.pk == member.pk)
    for person in persons:
        if str(person.pk) == str(person_id):
            return person
    raise Http404("no such person for this member")


@dataclass(frozen=True)
class Cell:
    text: str
    judged: Judged | None


@dataclass(frozen=True)
class Row:
    item: Item
    reference: str
    cells: list[Cell | None]  # one per exam, None where the item was not examined


@dataclass(frozen=True)
class Group:
    label: str
    rows: list[Row]


@dataclass(frozen=True)
class Table:
    person: Person
    exams: list[Checkup]
    groups: list[Group]

    @property
    def has_out_of_range(self) -> bool:
        return any(
            cell and cell.judged and cell.judged.out_of_range
            for group in self.groups
            for row in group.rows
            for cell in row.cells
        )


def recent_checkups(
    person: Person, limit: int = TABLE_EXAMS, *, until: dt.date | None = None
) -> list[Checkup]:
    """The person's newest checkups with their results: two queries. `until`: a former
    member's last covered day (`kosmo.membership.history_until`); later exams are not shown."""
    checkups = Checkup.objects.filter(person=person)
    if until is not None:
        checkups = checkups.filter(exam_date__lte=until)
    return list(checkups.order_by("-exam_date").prefetch_related("results")[:limit])


def _values(rules: Rules, checkup: Checkup) -> dict[str, tuple[str, object]]:
    """{item key: (text as reported, value as the rules compare it)} of one checkup."""
    values = {}
    for result in checkup.results.all():
        item = rules.by_code.get(result.item_code)
        if item is not None:
            values[item.key] = (result.value, item.parse(result.value))
    return values


def results_table(
    person: Person,
    rules: Rules,
    exams: list[Checkup] | None = None,
    *,
    until: dt.date | None = None,
) -> Table:
    """CHK-1: items × the five latest exams, grouped as the manual, each cell judged."""
    exams = recent_checkups(person, until=until) if exams is None else exams
    per_exam = [_values(rules, exam) for exam in exams]
    present = set().union(*per_exam) if per_exam else set()
    groups = []
    for group in rules.groups:
        rows = []
        for item in rules.items.values():
            if item.group != group["key"] or item.key not in present:
                continue
            cells: list[Cell | None] = []
            for values in per_exam:
                if item.key not in values:
                    cells.append(None)
                    continue
                text, value = values[item.key]
                cells.append(Cell(text, rules.judge(item, person.sex, value)))
            rows.append(Row(item, item.reference_text(person.sex), cells))
        if rows:
            groups.append(Group(group["label"], rows))
    return Table(person=person, exams=exams, groups=groups)


def facts(person: Person, rules: Rules, checkup: Checkup) -> Facts:
    values = {
        key: value for key, (_, value) in _values(rules, checkup).items() if value is not None
    }
    return Facts(
        sex=person.sex,
        age=fiscal_year_age(person.birth_date, checkup.exam_date),
        values=values,
        age_on_exam_day=age_on(person.birth_date, checkup.exam_date),
    )


@dataclass(frozen=True)
class Assessment:
    """CHK-2: the latest checkup of a person, judged."""

    checkup: Checkup
    evaluation: Evaluation
    values: dict[str, tuple[str, object]]

    def referral_rows(self, rules: Rules, sex: str) -> list[tuple[Item, str, str]]:
        """(item, value as reported, 受診勧奨判定値 as text) of every item at that value."""
        rows = []
        for key in self.evaluation.referrals:
            item = rules.items[key]
            condition = item.for_sex(item.referral, sex)
            rows.append((item, self.values[key][0], describe(condition)))
        return rows


def latest_assessment(
    person: Person, rules: Rules, *, until: dt.date | None = None
) -> Assessment | None:
    """The newest checkup and its evaluation: two queries (none if no checkup)."""
    [checkup] = recent_checkups(person, limit=1, until=until) or [None]
    if checkup is None:
        return None
    return Assessment(
        checkup=checkup,
        evaluation=evaluate(rules, facts(person, rules, checkup)),
        values=_values(rules, checkup),
    )


def describe(condition: dict | None) -> str:
    """``{"ge": 140}`` → ``140以上``: a threshold as members read it."""
    if not condition:
        return ""
    words = {"ge": "以上", "le": "以下", "lt": "未満", "gt": "超"}
    parts = []
    for key, bound in condition.items():
        if key == "in":
            parts.append("・".join(f"({value})" for value in bound))
        elif key in words:
            parts.append(f"{bound}{words[key]}")
    return "、".join(parts)


def columns(union) -> QuerySet[Column]:
    return Column.objects.filter(union=union, published=True)


def recommended_columns(union, assessment: Assessment | None, limit: int = 3) -> list[Column]:
    """Columns for the categories that are not A, worst first; the newest ones otherwise:
    one query."""
    ranked = []
    if assessment is not None:
        ranked = sorted(assessment.evaluation.findings, key=lambda c: c.grade, reverse=True)
    order = {category.key: position for position, category in enumerate(ranked)}
    chosen = list(columns(union))
    chosen.sort(key=lambda column: (order.get(column.category, len(order)), column.order))
    return chosen[:limit]


@dataclass(frozen=True)
class Point:
    exam_date: dt.date
    text: str
    judged: Judged | None
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class History:
    """One item over every exam of a person (経年): the values newest first, and the chart's
    points oldest first (SVG coordinates in a 600 × 200 box)."""

    item: Item
    reference: str
    rows: list[Point]
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 600, 200, 24


def item_history(
    person: Person, rules: Rules, item: Item, *, until: dt.date | None = None
) -> History:
    """Every value of `item` for `person`, judged, with chart coordinates: one query."""
    results = CheckupResult.objects.filter(checkup__person=person, item_code=item.code)
    if until is not None:
        results = results.filter(checkup__exam_date__lte=until)
    results = results.select_related("checkup").order_by("-checkup__exam_date")
    rows = [
        Point(r.checkup.exam_date, r.value, rules.judge(item, person.sex, item.parse(r.value)))
        for r in results
    ]
    points = []
    numbers = [item.parse(row.text) for row in rows] if item.kind == "number" else []
    if numbers and all(number is not None for number in numbers):
        low, high = float(min(numbers)), float(max(numbers))
        span = (high - low) or max(abs(high), 1.0)
        low, high = low - span * 0.15, high + span * 0.15
        inner_w = CHART_WIDTH - 2 * CHART_MARGIN
        inner_h = CHART_HEIGHT - 2 * CHART_MARGIN
        ordered = list(zip(reversed(rows), reversed(numbers), strict=True))
        step = inner_w / (len(ordered) - 1) if len(ordered) > 1 else 0
        for index, (row, number) in enumerate(ordered):
            x = CHART_MARGIN + (step * index if step else inner_w / 2)
            y = CHART_MARGIN + inner_h * (1 - (float(number) - low) / (high - low))
            points.append(Point(row.exam_date, row.text, row.judged, x, y))
    return History(item, item.reference_text(person.sex), rows, points)
