"""DEP-5 staff review in admin, scoped to the staff member's union; campaigns and rules."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from dependents.models import AdditionalDocument, DependentSurvey, SurveyTarget
from notices.models import Message
from tests import factories
from tests.dependents.conftest import pdf_bytes, upload_file
from tests.dependents.steps import answer_all, upload

INCOME = "収入を証明する書類(課税(非課税)証明書)"


@pytest.fixture
def submitted(member_client, survey, spouse_target, child_target):
    answer_all(member_client, spouse_target, child_target)
    upload(member_client, spouse_target, INCOME, upload_file("kazei.pdf", pdf_bytes()))
    upload(
        member_client,
        spouse_target,
        "給与明細書(直近3か月分)の写し",
        upload_file("kyuyo.pdf", pdf_bytes()),
    )
    member_client.post(f"/dependents/answer/{spouse_target.pk}/submit/")
    spouse_target.refresh_from_db()
    return spouse_target


def _review(staff_client, target, **data):
    url = f"/admin/dependents/surveytarget/{target.pk}/change/"
    return staff_client.post(
        url,
        {"deadline": "", "result": "pending", "result_reason": "", "additional": "", **data},
    )


def test_the_review_page_shows_answers_and_links_to_the_files(staff_client, submitted):
    page = staff_client.get(
        f"/admin/dependents/surveytarget/{submitted.pk}/change/"
    ).content.decode()

    assert "被扶養者は現在も組合の認定基準を満たしていますか？" in page
    assert "1,200,000円" in page
    assert f"/admin/dependents/upload/{submitted.uploads.first().pk}/file/" in page
    assert "kazei.pdf" in page and "提出" in page


def test_staff_mark_deficient_with_additional_documents_and_the_member_is_told(
    staff_client, submitted, insured, staff
):
    response = _review(
        staff_client,
        submitted,
        result="deficient",
        result_reason="証明書の年度が古いものです。",
        additional="令和8年度の課税証明書\n給与明細書(10月分)\n",
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.result == SurveyTarget.Result.DEFICIENT
    assert submitted.result_by == staff and submitted.result_at is not None
    assert list(AdditionalDocument.objects.values_list("name", flat=True)) == [
        "令和8年度の課税証明書",
        "給与明細書(10月分)",
    ]
    message = Message.objects.get(recipient=insured.person)
    assert "証明書の年度が古いものです。" in message.body
    assert "令和8年度の課税証明書" in message.body


def test_deficient_needs_a_reason_or_documents(staff_client, submitted):
    response = _review(staff_client, submitted, result="deficient")

    assert response.status_code == 200
    assert "不備・不足の場合は、理由または追加必要書類を入力してください。" in (
        response.content.decode()
    )
    submitted.refresh_from_db()
    assert submitted.result == SurveyTarget.Result.PENDING
    assert not Message.objects.exists()


def test_each_result_sends_a_my_mail(staff_client, submitted, insured):
    _review(staff_client, submitted, result="approved")

    message = Message.objects.get(recipient=insured.person)
    assert message.subject == "【被扶養者資格調査】審査結果が更新されました"
    assert "山田 花子 さんの審査結果: 認定" in message.body


def test_saving_without_a_change_of_result_sends_nothing(staff_client, submitted):
    _review(staff_client, submitted, result="pending")

    assert not Message.objects.exists()


def test_staff_see_only_their_unions_targets(staff_client, submitted, other_union_member):
    other_union = other_union_member.person.household.union
    from tests.dependents.conftest import make_survey

    factories.DependentFactory(household=other_union_member.person.household)
    foreign = make_survey(other_union).targets.get()

    listing = staff_client.get("/admin/dependents/surveytarget/").content.decode()
    response = staff_client.get(f"/admin/dependents/surveytarget/{foreign.pk}/change/")

    assert "山田 花子" in listing
    assert response.status_code == 302  # admin's "does not exist" redirect


def test_staff_select_targets_by_the_campaigns_rules(staff_client, union, household, dependent):
    survey = DependentSurvey.objects.create(
        union=union,
        starts_on="2026-04-01",
        deadline="2026-12-31",
        ends_on="2027-03-31",
        target_relationships="spouse",
    )

    staff_client.post(
        "/admin/dependents/dependentsurvey/",
        {"action": "select_by_rules", "_selected_action": [survey.pk]},
    )

    target = SurveyTarget.objects.get(survey=survey)
    assert target.person == dependent.person
    assert target.selected_by == SurveyTarget.Selection.RULE


def test_staff_can_add_a_target_by_hand(staff_client, union, child, survey):
    SurveyTarget.objects.filter(person=child).delete()

    response = staff_client.post(
        "/admin/dependents/surveytarget/add/",
        {"survey": survey.pk, "person": child.pk, "deadline": ""},
    )

    assert response.status_code == 302
    assert SurveyTarget.objects.get(person=child).selected_by == SurveyTarget.Selection.STAFF


def test_the_campaign_page_offers_only_its_own_questions(staff_client, survey, other_union_member):
    from tests.dependents.conftest import make_survey

    foreign = make_survey(other_union_member.person.household.union)
    foreign.questions.filter(code="is_student").update(text="よその組合の設問")

    page = staff_client.get(f"/admin/dependents/dependentsurvey/{survey.pk}/change/")

    assert page.status_code == 200
    assert "学生ですか？" in page.content.decode()
    assert "よその組合の設問" not in page.content.decode()
    assert (
        staff_client.get(f"/admin/dependents/dependentsurvey/{foreign.pk}/change/").status_code
        == 302
    )


def test_staff_who_may_only_view_surveys_cannot_select_targets(client, staff, union, dependent):
    staff.user_permissions.set(Permission.objects.filter(codename="view_dependentsurvey"))
    client.force_login(staff)
    survey = DependentSurvey.objects.create(
        union=union,
        starts_on="2026-04-01",
        deadline="2026-12-31",
        ends_on="2027-03-31",
        target_relationships="spouse",
    )

    client.post(
        "/admin/dependents/dependentsurvey/",
        {"action": "select_by_rules", "_selected_action": [survey.pk]},
    )

    assert not SurveyTarget.objects.filter(survey=survey).exists()


# --- Review rules: only what was submitted is judged; states shown as they are ---------------

NOT_SUBMITTED = (
    "提出されていない調査対象者には、審査結果を登録できません。"
    "回答と書類の提出後に審査してください。"
)


@pytest.mark.parametrize("result", ["approved", "deficient", "removal"])
def test_a_target_who_never_submitted_cannot_be_reviewed(staff_client, spouse_target, result):
    response = _review(staff_client, spouse_target, result=result, result_reason="理由")

    assert response.status_code == 200
    assert NOT_SUBMITTED in response.content.decode()
    spouse_target.refresh_from_db()
    assert spouse_target.result == SurveyTarget.Result.PENDING
    assert spouse_target.result_at is None
    assert not spouse_target.events.filter(action__startswith="審査結果").exists()
    assert not Message.objects.exists()


def test_the_review_page_says_a_target_has_not_submitted_yet(staff_client, child_target, submitted):
    waiting = staff_client.get(f"/admin/dependents/surveytarget/{child_target.pk}/change/")
    done = staff_client.get(f"/admin/dependents/surveytarget/{submitted.pk}/change/")

    hint = "まだ提出されていません。回答と書類の提出後に審査できます。"
    assert hint in waiting.content.decode()
    assert hint not in done.content.decode()


def test_the_review_service_refuses_a_target_who_never_submitted(spouse_target, staff):
    from django.core.exceptions import ValidationError

    from dependents import services

    with pytest.raises(ValidationError) as refused:
        services.record_result(target=spouse_target, result="approved", staff=staff)

    assert refused.value.messages == [NOT_SUBMITTED]


def test_staff_may_still_change_a_targets_deadline_before_submission(staff_client, spouse_target):
    response = _review(staff_client, spouse_target, deadline="2030-01-31")

    assert response.status_code == 302
    spouse_target.refresh_from_db()
    assert str(spouse_target.deadline) == "2030-01-31"


def test_each_review_writes_its_audit_row_and_tells_the_member(staff_client, submitted, insured):
    for result, label in [("deficient", "不備・不足"), ("removal", "削除手続き")]:
        _review(staff_client, submitted, result=result, result_reason="確認しました。")

        assert submitted.events.filter(action=f"審査結果: {label}").count() == 1
    assert Message.objects.filter(recipient=insured.person).count() == 2


def _rows(page: str) -> dict[str, list[str]]:
    """Each changelist row's cells (text only), keyed by the person's name."""
    import re

    rows = {}
    if '<table id="result_list">' not in page:
        return rows
    body = page.split('<table id="result_list">')[-1].split("<tbody>")[-1].split("</tbody>")[0]
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        if len(cells) > 2:
            rows[cells[1]] = cells
    return rows


def test_the_list_shows_unanswered_answering_submitted_and_under_review(
    staff_client, survey, dependent, child, member_client
):
    from tests.dependents.steps import CHILD_ANSWERS, answer, pledge

    spouse = SurveyTarget.objects.get(survey=survey, person=dependent.person)
    third = factories.DependentFactory(
        household=dependent.person.household, branch="03", given_name="三郎"
    )
    third_target = SurveyTarget.objects.create(survey=survey, person=third)
    pledge(member_client)
    member_client.post("/dependents/answer/insured/")
    answer(member_client, SurveyTarget.objects.get(person=child), CHILD_ANSWERS)
    SurveyTarget.objects.filter(pk=third_target.pk).update(
        basic_confirmed_at="2026-10-01T10:00:00+09:00",
        answered_at="2026-10-01T10:05:00+09:00",
        submitted_at="2026-10-01T10:10:00+09:00",
    )

    rows = _rows(staff_client.get("/admin/dependents/surveytarget/").content.decode())

    assert rows["山田 花子"][4] == "未回答" and rows["山田 花子"][6] == "-"
    assert rows["山田 一郎"][4] == "回答中" and rows["山田 一郎"][6] == "-"
    assert rows["山田 三郎"][4] == "提出済み" and rows["山田 三郎"][6] == "審査中"
    assert spouse.result == SurveyTarget.Result.PENDING  # stored default, never shown as such


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("progress=not_answered", {"山田 花子"}),
        ("progress=answering", {"山田 一郎"}),
        ("progress=submitted", {"山田 三郎"}),
        ("review=pending", {"山田 三郎"}),
        ("review=approved", set()),
    ],
)
def test_the_list_filters_by_answer_state_and_review(
    staff_client, survey, dependent, child, member_client, query, names
):
    from tests.dependents.steps import CHILD_ANSWERS, answer, pledge

    third = factories.DependentFactory(
        household=dependent.person.household, branch="03", given_name="三郎"
    )
    SurveyTarget.objects.create(
        survey=survey, person=third, submitted_at="2026-10-01T10:10:00+09:00"
    )
    pledge(member_client)
    member_client.post("/dependents/answer/insured/")
    answer(member_client, SurveyTarget.objects.get(person=child), CHILD_ANSWERS)

    page = staff_client.get(f"/admin/dependents/surveytarget/?{query}").content.decode()

    assert set(_rows(page)) == names
    assert "回答状況" in page and "審査結果" in page


def test_the_history_shows_japan_time_and_the_questions_wording(staff_client, submitted):
    from dependents.models import TargetEvent

    TargetEvent.objects.filter(target=submitted).update(
        at=dt.datetime(2026, 10, 1, 1, 30, tzinfo=dt.UTC)
    )

    page = staff_client.get(
        f"/admin/dependents/surveytarget/{submitted.pk}/change/"
    ).content.decode()

    assert "2026-10-01 10:30" in page and "2026-10-01 01:30" not in page
    assert "meets_criteria=" not in page and "has_income=yes" not in page
    assert "被扶養者は現在も組合の認定基準を満たしていますか？: はい" in page
    assert "今後1年間の収入見込額を入力してください。: 1,200,000円" in page
