"""DEP-5 staff review in admin, scoped to the staff member's union; campaigns and rules."""

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
