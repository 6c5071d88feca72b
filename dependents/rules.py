"""The one small engine that reads the survey's rules (rows staff edit in admin): which
questions a dependent is asked, and which documents the answers call for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dependents.models import (
    AdditionalDocument,
    DependentSurvey,
    DocumentRule,
    Question,
    relationships_of,
)
from kosmo.models import Person

YES, NO = "yes", "no"


def covers(relationships: str, person: Person) -> bool:
    """A rule or question limited to some 続柄 (empty: everyone)."""
    allowed = relationships_of(relationships)
    return not allowed or person.relationship in allowed


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def selected_by_rules(survey: DependentSurvey, person: Person) -> bool:
    """Whether the campaign's selection rules (relationship, age band) pick this dependent."""
    if person.role != Person.Role.DEPENDENT or not covers(survey.target_relationships, person):
        return False
    age = age_on(person.birth_date, survey.age_reference_date or survey.starts_on)
    if survey.target_min_age is not None and age < survey.target_min_age:
        return False
    return survey.target_max_age is None or age <= survey.target_max_age


def questions_for(questions: Iterable[Question], person: Person) -> list[Question]:
    """The questions this dependent may be asked, in order (follow-ups included)."""
    return [question for question in questions if covers(question.relationships, person)]


def is_asked(question: Question, answers: Mapping[int, str], by_id: Mapping[int, Question]) -> bool:
    """A follow-up is asked only when every question above it was asked and answered so."""
    while question.parent_id is not None:
        if answers.get(question.parent_id) != question.parent_value:
            return False
        question = by_id[question.parent_id]
    return True


def _number(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def rule_matches(rule: DocumentRule, person: Person, answers: Mapping[int, str]) -> bool:
    if not covers(rule.relationships, person):
        return False
    if rule.question_id is None:
        return True
    answer = answers.get(rule.question_id)
    if answer is None:
        return False
    if rule.operator == DocumentRule.Operator.EQUALS:
        return answer == rule.value
    if rule.operator == DocumentRule.Operator.NOT_EQUALS:
        return answer != rule.value
    given, limit = _number(answer), _number(rule.value)
    if given is None or limit is None:
        return False
    if rule.operator == DocumentRule.Operator.AT_LEAST:
        return given >= limit
    return given < limit


@dataclass(frozen=True)
class RequiredDocument:
    """One document a dependent must submit: from a rule, or asked for by staff (追加)."""

    key: str  # "rule-<id>" or "extra-<id>": what the upload form posts
    name: str
    description: str = ""
    rule_id: int | None = None
    additional_id: int | None = None

    @property
    def is_additional(self) -> bool:
        return self.additional_id is not None


def required_documents(
    rules: Iterable[DocumentRule],
    person: Person,
    answers: Mapping[int, str],
    additional: Iterable[AdditionalDocument] = (),
) -> list[RequiredDocument]:
    """The documents the answers call for, then any staff asked for; each name once."""
    documents: list[RequiredDocument] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.document not in seen and rule_matches(rule, person, answers):
            seen.add(rule.document)
            documents.append(
                RequiredDocument(f"rule-{rule.pk}", rule.document, rule.description, rule.pk)
            )
    documents += [
        RequiredDocument(f"extra-{extra.pk}", extra.name, additional_id=extra.pk)
        for extra in additional
    ]
    return documents
