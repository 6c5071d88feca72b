"""Staff screens name nothing of another union: not in lists, not in their filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dependents.conftest import make_survey


@pytest.fixture
def foreign_survey(other_union_member):
    survey = make_survey(other_union_member.person.household.union)
    survey.title = "よその組合の調査"
    survey.save(update_fields=["title"])
    return survey


@pytest.mark.parametrize(
    "url",
    [
        "/admin/dependents/dependentsurvey/",
        "/admin/dependents/surveytarget/",
        "/admin/dependents/upload/",
    ],
)
def test_staff_filters_do_not_name_another_unions_campaigns(
    staff_client, survey, foreign_survey, url
):
    page = staff_client.get(url)

    assert page.status_code == 200
    assert "よその組合の調査" not in page.content.decode()
    assert "よその健康保険組合" not in page.content.decode()


def test_campaign_list_queries_do_not_grow_with_the_campaigns(staff_client, survey, union):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/admin/dependents/dependentsurvey/").status_code == 200
        return len(captured)

    queries()  # the first request warms per-session caches
    one = queries()
    for _ in range(3):
        make_survey(union)

    assert queries() == one
