"""STEP2 questions: はい/いいえ with follow-ups, the manual's messages."""

import pytest

from tests.dependents.steps import pledge


@pytest.fixture
def at_questions(member_client, survey, spouse_target, child_target):
    pledge(member_client)
    member_client.post("/dependents/answer/insured/")
    member_client.post(f"/dependents/answer/{spouse_target.pk}/basic/")
    return member_client


def test_the_page_asks_the_manuals_first_question(at_questions, spouse_target):
    page = at_questions.get(f"/dependents/answer/{spouse_target.pk}/questions/").content.decode()

    assert "【1】被扶養者は現在も組合の認定基準を満たしていますか？" in page
    assert 'type="radio" name="q_meets_criteria" value="yes"' in page
    assert 'type="radio" name="q_meets_criteria" value="no"' in page
    assert " はい</label>" in page and " いいえ</label>" in page and "次へ進む" in page
    assert "学生ですか？" not in page  # the spouse is not asked


def test_an_unanswered_question_is_reported_beside_it(at_questions, spouse_target):
    response = at_questions.post(f"/dependents/answer/{spouse_target.pk}/questions/", {})

    assert response.status_code == 200
    assert "この設問に回答してください。" in response.content.decode()
    assert "入力内容をご確認ください。" in response.content.decode()
    spouse_target.refresh_from_db()
    assert spouse_target.answered_at is None


def test_a_follow_up_is_required_when_its_parent_says_yes(at_questions, spouse_target):
    response = at_questions.post(
        f"/dependents/answer/{spouse_target.pk}/questions/",
        {"q_meets_criteria": "yes", "q_has_income": "yes", "q_lives_together": "yes"},
    )

    assert response.context["form"].errors == {"q_annual_income": ["この設問に回答してください。"]}


@pytest.mark.parametrize("amount", ["-1", "12万", "1.5"])
def test_an_income_must_be_whole_yen(at_questions, spouse_target, amount):
    response = at_questions.post(
        f"/dependents/answer/{spouse_target.pk}/questions/",
        {
            "q_meets_criteria": "yes",
            "q_has_income": "yes",
            "q_annual_income": amount,
            "q_lives_together": "yes",
        },
    )

    assert "金額は0以上の整数(円)で入力してください。" in response.content.decode()


def test_follow_ups_are_not_required_when_the_first_answer_is_no(at_questions, spouse_target):
    response = at_questions.post(
        f"/dependents/answer/{spouse_target.pk}/questions/",
        {"q_meets_criteria": "no", "q_has_income": "yes"},
    )

    assert response.status_code == 302
    spouse_target.refresh_from_db()
    assert spouse_target.answered_at is not None


def test_questions_wait_for_step1(member_client, survey, spouse_target):
    pledge(member_client)
    response = member_client.get(f"/dependents/answer/{spouse_target.pk}/questions/", follow=True)

    assert "先にSTEP1の被保険者情報確認を完了してください。" in response.content.decode()


def _fieldset(page: str, name: str) -> str:
    start = page.index(f'data-name="{name}"')
    return page[start : page.index("</fieldset>", start)]


def test_each_follow_up_names_the_question_it_depends_on(
    member_client, survey, spouse_target, child_target
):
    pledge(member_client)
    member_client.post("/dependents/answer/insured/")
    member_client.post(f"/dependents/answer/{child_target.pk}/basic/")

    page = member_client.get(f"/dependents/answer/{child_target.pk}/questions/").content.decode()

    # 学生ですか？ follows 同居していますか？ but depends on 【1】, not on the question above it.
    assert "【4】被保険者と同居していますか？" in page and "【5】学生ですか？" in page
    assert "(【1】で「はい」と回答した場合のみお答えください)" in _fieldset(page, "q_is_student")
    assert "(【1】で「はい」と回答した場合のみお答えください)" in _fieldset(
        page, "q_lives_together"
    )
    assert "(【2】で「はい」と回答した場合のみお答えください)" in _fieldset(page, "q_annual_income")
    assert "前の設問" not in page
