"""「必要書類一覧PDFダウンロード」 is never yesterday's file once staff moved a deadline; the
downloads are named in Japanese."""

import datetime as dt
from urllib.parse import quote

from dependents.models import SurveyTarget
from kosmo.models import DocumentJob
from tests.dependents.steps import answer_all, pledge


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


def test_the_required_documents_pdf_downloads_under_its_japanese_name(
    member_client, survey, spouse_target, child_target, django_capture_on_commit_callbacks
):
    answer_all(member_client, spouse_target, child_target)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/dependents/documents/list.pdf")
    job = DocumentJob.objects.get()

    download = member_client.get(f"/documents/{job.pk}/download/")

    starts_on = survey.starts_on
    name = f"必要書類一覧_{starts_on.year}年{starts_on.month}月.pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="hitsuyou_shorui_{starts_on:%Y%m}.pdf"; '
        f"filename*=utf-8''{quote(name)}"
    )


def test_the_transfer_form_downloads_under_its_japanese_name(member_client, survey):
    pledge(member_client)

    response = member_client.get("/dependents/documents/transfer-form/")

    assert response["Content-Disposition"] == (
        f"attachment; filename=\"idou_todoke.pdf\"; filename*=utf-8''{quote('被扶養者異動届.pdf')}"
    )
