"""STEP2 waits for STEP1 on every STEP2 page."""

from tests.dependents.steps import pledge


def test_basic_information_waits_for_step1(member_client, survey, spouse_target):
    pledge(member_client)

    shown = member_client.get(f"/dependents/answer/{spouse_target.pk}/basic/", follow=True)
    member_client.post(f"/dependents/answer/{spouse_target.pk}/basic/")

    assert "先にSTEP1の被保険者情報確認を完了してください。" in shown.content.decode()
    spouse_target.refresh_from_db()
    assert spouse_target.basic_confirmed_at is None
