"""The data-driven rules: who is selected, which questions are asked, which documents the
answers call for (the demo campaign's rules, as staff would enter them)."""

import datetime as dt

import pytest

from dependents import rules, services
from dependents.models import DocumentRule, Question, SurveyTarget
from kosmo.models import Person
from tests import factories
from tests.dependents.conftest import make_survey

INCOME = "収入を証明する書類(課税(非課税)証明書)"
PAYSLIPS = "給与明細書(直近3か月分)の写し"
ALLOWANCE = "仕送りの事実を確認できる書類(振込記録の写し)"
STUDENT = "在学証明書または学生証の写し"
REMOVAL = "被扶養者異動届(削除)"


@pytest.fixture
def campaign(union):
    return make_survey(union)


def _documents(survey, person, **answers):
    by_code = {question.code: question for question in survey.questions.all()}
    values = {by_code[code].pk: value for code, value in answers.items()}
    return [
        document.name
        for document in rules.required_documents(survey.document_rules.all(), person, values)
    ]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"meets_criteria": "yes", "has_income": "no", "lives_together": "yes"}, []),
        (
            {
                "meets_criteria": "yes",
                "has_income": "yes",
                "annual_income": "1059999",
                "lives_together": "yes",
            },
            [INCOME],
        ),
        (
            {
                "meets_criteria": "yes",
                "has_income": "yes",
                "annual_income": "1060000",
                "lives_together": "no",
            },
            [INCOME, PAYSLIPS, ALLOWANCE],
        ),
        ({"meets_criteria": "no"}, [REMOVAL]),
    ],
)
def test_documents_follow_the_answers(campaign, household, answers, expected):
    spouse = factories.DependentFactory(household=household)

    assert _documents(campaign, spouse, **answers) == expected


def test_the_student_question_and_its_document_apply_to_children_only(campaign, household):
    spouse = factories.DependentFactory(household=household)
    child = factories.DependentFactory(household=household, relationship=Person.Relationship.CHILD)
    codes = lambda person: [q.code for q in rules.questions_for(campaign.questions.all(), person)]  # noqa: E731

    assert "is_student" in codes(child) and "is_student" not in codes(spouse)
    assert _documents(campaign, child, meets_criteria="yes", is_student="yes") == [STUDENT]


def test_a_rule_without_a_question_applies_to_its_relationships(campaign, household):
    DocumentRule.objects.create(
        survey=campaign, order=0, document="続柄を確認できる書類", relationships="parent"
    )
    parent = factories.DependentFactory(
        household=household, relationship=Person.Relationship.PARENT
    )
    spouse = factories.DependentFactory(household=household)

    assert "続柄を確認できる書類" in _documents(campaign, parent, meets_criteria="yes")
    assert "続柄を確認できる書類" not in _documents(campaign, spouse, meets_criteria="yes")


def test_rules_pick_dependents_by_relationship_and_age_band(union, household):
    young = factories.DependentFactory(
        household=household,
        relationship=Person.Relationship.CHILD,
        birth_date=dt.date.today().replace(year=dt.date.today().year - 10),
    )
    student = factories.DependentFactory(
        household=household,
        relationship=Person.Relationship.CHILD,
        birth_date=dt.date(2005, 4, 2),
    )
    sibling = factories.DependentFactory(
        household=household, relationship=Person.Relationship.SIBLING
    )
    lost = factories.DependentFactory(household=household, disqualified_on=dt.date(2025, 3, 31))
    other_union = factories.DependentFactory()

    survey = make_survey(union)

    chosen = set(SurveyTarget.objects.filter(survey=survey).values_list("person", flat=True))
    assert student.pk in chosen
    assert not chosen & {young.pk, sibling.pk, lost.pk, other_union.pk}
    assert services.select_targets_by_rules(survey=survey) == 0  # running again adds nobody


def test_answers_to_follow_ups_that_no_longer_apply_are_dropped(
    member_client, survey, spouse_target, child_target
):
    from tests.dependents.steps import SPOUSE_ANSWERS, answer, pledge

    pledge(member_client)
    member_client.post("/dependents/answer/insured/")
    answer(member_client, spouse_target, SPOUSE_ANSWERS)
    answer(member_client, spouse_target, SPOUSE_ANSWERS | {"q_meets_criteria": "no"})

    assert list(spouse_target.answers.values_list("question__code", "value")) == [
        ("meets_criteria", "no")
    ]


def test_a_follow_up_is_asked_only_under_its_parents_answer(campaign):
    questions = {q.code: q for q in campaign.questions.all()}
    by_id = {q.pk: q for q in questions.values()}
    income = questions["annual_income"]
    answered = lambda **codes: {questions[c].pk: v for c, v in codes.items()}  # noqa: E731

    assert rules.is_asked(income, answered(meets_criteria="yes", has_income="yes"), by_id)
    assert not rules.is_asked(income, answered(meets_criteria="yes", has_income="no"), by_id)
    assert not rules.is_asked(income, answered(meets_criteria="no", has_income="yes"), by_id)
    assert questions["meets_criteria"].kind == Question.Kind.YES_NO
