"""「提出する」 cannot be undone: a page lists what will be submitted first, with 「提出する」
and 「戻る」; it works without JavaScript, and a second post does no harm."""

from dependents.models import SurveyTarget, TargetEvent
from tests.dependents.conftest import pdf_bytes, upload_file
from tests.dependents.steps import answer_all, upload

INCOME = "収入を証明する書類(課税(非課税)証明書)"
PAYSLIPS = "給与明細書(直近3か月分)の写し"


def text(response) -> str:
    return response.content.decode()


def _ready(member_client, spouse_target, child_target):
    answer_all(member_client, spouse_target, child_target)
    upload(member_client, spouse_target, INCOME, upload_file("kazei.pdf", pdf_bytes()))
    upload(member_client, spouse_target, PAYSLIPS, upload_file("kyuyo.pdf", pdf_bytes()))


def test_the_upload_page_leads_to_a_confirmation_before_submitting(
    member_client, survey, spouse_target, child_target
):
    _ready(member_client, spouse_target, child_target)
    url = f"/dependents/answer/{spouse_target.pk}/submit/"

    upload_page = text(member_client.get(f"/dependents/answer/{spouse_target.pk}/upload/"))
    confirmation = member_client.get(url)

    assert f'<a class="button button--primary" href="{url}">提出内容を確認する</a>' in upload_page
    assert confirmation.status_code == 200
    page = text(confirmation)
    assert "提出内容の確認" in page
    assert "以下の内容で提出します。提出すると、回答と書類は変更できなくなります。" in page
    assert "調査対象者: 山田 花子" in page
    assert "今後1年間の収入見込額を入力してください。" in page and "1,200,000円" in page
    assert INCOME in page and PAYSLIPS in page
    assert "kazei.pdf" in page and "kyuyo.pdf" in page
    assert f'<form method="post" action="{url}"' in page
    assert '<button class="button button--primary" type="submit">提出する</button>' in page
    back = f"/dependents/answer/{spouse_target.pk}/upload/"
    assert f'<a class="button" href="{back}">戻る</a>' in page
    spouse_target.refresh_from_db()
    assert spouse_target.submitted_at is None  # seeing the list submits nothing


def test_the_confirmation_sends_back_while_a_document_is_missing(
    member_client, survey, spouse_target, child_target
):
    answer_all(member_client, spouse_target, child_target)
    upload(member_client, spouse_target, INCOME, upload_file("kazei.pdf", pdf_bytes()))

    response = member_client.get(f"/dependents/answer/{spouse_target.pk}/submit/", follow=True)

    assert response.redirect_chain[-1][0] == f"/dependents/answer/{spouse_target.pk}/upload/"
    assert "アップロードされていない必要書類があります: " + PAYSLIPS in text(response)


def test_submitting_twice_submits_once_and_says_it_is_done(
    member_client, survey, spouse_target, child_target
):
    _ready(member_client, spouse_target, child_target)
    url = f"/dependents/answer/{spouse_target.pk}/submit/"

    first = member_client.post(url, follow=True)
    second = member_client.post(url, follow=True)

    assert "山田 花子 さんの書類を提出しました。" in text(first)
    assert second.redirect_chain == [("/dependents/answer/", 302)]
    assert "山田 花子 さんの書類は提出済みです。審査結果をお待ちください。" in text(second)
    assert "既に提出済みです。" not in text(second)
    spouse_target.refresh_from_db()
    assert spouse_target.result == SurveyTarget.Result.PENDING
    events = TargetEvent.objects.filter(target=spouse_target, action="提出")
    assert events.count() == 1


def test_after_submitting_the_confirmation_page_is_not_offered_again(
    member_client, survey, spouse_target, child_target
):
    _ready(member_client, spouse_target, child_target)
    member_client.post(f"/dependents/answer/{spouse_target.pk}/submit/")

    response = member_client.get(f"/dependents/answer/{spouse_target.pk}/submit/", follow=True)

    assert response.redirect_chain == [("/dependents/answer/", 302)]
    assert "山田 花子 さんの書類は提出済みです。審査結果をお待ちください。" in text(response)
