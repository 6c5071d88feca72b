"""Query counts per page stay constant with more dependents and files."""

import pytest
from django.utils.timezone import now

from dependents.models import SurveyTarget
from tests import factories
from tests.dependents.conftest import pdf_bytes, upload_file
from tests.dependents.steps import answer_all, upload

PAGES = ["/dependents/", "/dependents/answer/", "/dependents/documents/", "/dependents/results/"]


def _counts(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200, page
        counts[page] = len(captured)
    return counts


@pytest.fixture
def submitted(member_client, survey, spouse_target, child_target):
    answer_all(member_client, spouse_target, child_target)
    upload(
        member_client,
        child_target,
        "在学証明書または学生証の写し",
        upload_file("z.pdf", pdf_bytes()),
    )
    member_client.post(f"/dependents/answer/{child_target.pk}/submit/")
    return member_client


def test_pages_use_the_same_queries_with_more_dependents_and_files(
    submitted, survey, household, spouse_target, django_assert_max_num_queries
):
    before = _counts(submitted, django_assert_max_num_queries)
    for branch in ("05", "06", "07"):
        person = factories.DependentFactory(household=household, branch=branch)
        SurveyTarget.objects.create(
            survey=survey, person=person, basic_confirmed_at=now(), answered_at=now()
        )
    for name in ("a.pdf", "b.pdf"):
        upload(
            submitted,
            spouse_target,
            "収入を証明する書類(課税(非課税)証明書)",
            upload_file(name, pdf_bytes()),
        )

    after = _counts(submitted, django_assert_max_num_queries)

    assert after == before, (before, after)
    assert max(before.values()) <= 16


def test_the_survey_top_in_a_fixed_number_of_queries(submitted, django_assert_max_num_queries):
    submitted.get("/dependents/")
    # user (with person, household), survey, response, questions, rules, targets and their
    # answers, uploads and additional documents: 9; one more when the session is saved.
    with django_assert_max_num_queries(10):
        submitted.get("/dependents/")
