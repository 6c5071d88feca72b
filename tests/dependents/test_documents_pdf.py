"""「必要書類一覧PDFダウンロード」 is never yesterday's file once staff moved a deadline."""

import datetime as dt

from dependents.models import SurveyTarget
from kosmo.models import DocumentJob
from tests.dependents.steps import answer_all


def test_a_moved_deadline_gives_a_new_list(
    member_client, survey, spouse_target, child_target, django_capture_on_commit_callbacks
):
    answer_all(member_client, spouse_target, child_target)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/dependents/documents/list.pdf")
    SurveyTarget.objects.filter(pk=spouse_target.pk).update(
        deadline=survey.deadline + dt.timedelta(days=14)
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = member_client.post("/dependents/documents/list.pdf")

    first, second = DocumentJob.objects.order_by("pk")
    assert again.url == f"/documents/{second.pk}/"
    assert first.params["deadlines"] != second.params["deadlines"]
