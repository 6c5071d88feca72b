"""The survey's gates: the pledge takes one of its two buttons, STEP2 waits for STEP1, and
submitted answers are read-only."""

from dependents.models import HouseholdResponse
from tests.dependents.conftest import pdf_bytes, upload_file
from tests.dependents.steps import answer_all, pledge, upload


def test_basic_information_waits_for_step1(member_client, survey, spouse_target):
    pledge(member_client)

    shown = member_client.get(f"/dependents/answer/{spouse_target.pk}/basic/", follow=True)
    member_client.post(f"/dependents/answer/{spouse_target.pk}/basic/")

    assert "先にSTEP1の被保険者情報確認を完了してください。" in shown.content.decode()
    spouse_target.refresh_from_db()
    assert spouse_target.basic_confirmed_at is None


def test_submitted_answers_open_read_only(member_client, survey, spouse_target, child_target):
    answered = member_client
    answer_all(answered, spouse_target, child_target)
    for document in ["収入を証明する書類(課税(非課税)証明書)", "給与明細書(直近3か月分)の写し"]:
        upload(answered, spouse_target, document, upload_file("a.pdf", pdf_bytes()))
    answered.post(f"/dependents/answer/{spouse_target.pk}/submit/")

    page = answered.get(f"/dependents/answer/{spouse_target.pk}/questions/", follow=True)

    assert page.redirect_chain[-1][0] == f"/dependents/answer/{spouse_target.pk}/answers/"
    assert "提出済みのため、回答を変更できません。" in page.content.decode()
    assert 'type="radio"' not in page.content.decode()


def test_a_pledge_post_without_either_button_records_nothing(member_client, survey):
    response = member_client.post("/dependents/pledge/", {"answer": "maybe"})

    assert response.url == "/dependents/"
    recorded = HouseholdResponse.objects.filter(survey=survey).exclude(
        pledged_at=None, declined_at=None
    )
    assert not recorded.exists()
