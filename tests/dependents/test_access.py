"""Authorization from the outside: another household's, account's or union's survey data is
unreachable by changing an id in the URL; staff see only their union's files."""

import pytest
from django.test import Client

from dependents.models import Upload
from tests import factories
from tests.dependents.conftest import make_survey, pdf_bytes, upload_file
from tests.dependents.steps import answer_all, pledge, upload

INCOME = "収入を証明する書類(課税(非課税)証明書)"


@pytest.fixture
def uploaded(member_client, survey, spouse_target, child_target):
    answer_all(member_client, spouse_target, child_target)
    upload(member_client, spouse_target, INCOME, upload_file("kazei.pdf", pdf_bytes()))
    return Upload.objects.get()


@pytest.fixture
def other_household(union, other_household_member, survey):
    """佐藤 健, insured in another household of the same union, with a spouse under survey."""
    factories.DependentFactory(household=other_household_member.person.household, branch="01")
    from dependents import services

    services.select_targets_by_rules(survey=survey)
    client = Client()  # not the insured member's client
    client.force_login(other_household_member)
    pledge(client)
    return client


def test_another_household_cannot_open_or_delete_the_files(other_household, uploaded):
    assert other_household.get(f"/dependents/files/{uploaded.pk}/").status_code == 404
    assert other_household.post(f"/dependents/files/{uploaded.pk}/delete/").status_code == 404
    assert Upload.objects.filter(pk=uploaded.pk).exists()


@pytest.mark.parametrize(
    "path",
    ["basic/", "questions/", "answers/", "upload/"],
)
def test_another_household_cannot_reach_the_dependents_pages(
    other_household, uploaded, spouse_target, path
):
    response = other_household.get(f"/dependents/answer/{spouse_target.pk}/{path}")

    assert response.status_code == 404


def test_another_household_cannot_submit_or_post_answers(other_household, spouse_target):
    submitted = other_household.post(f"/dependents/answer/{spouse_target.pk}/submit/")
    answered = other_household.post(
        f"/dependents/answer/{spouse_target.pk}/questions/", {"q_meets_criteria": "no"}
    )

    assert submitted.status_code == 404 and answered.status_code == 404
    spouse_target.refresh_from_db()
    assert spouse_target.submitted_at is None and not spouse_target.answers.exists()


def test_the_dependent_herself_cannot_open_the_files(dependent, uploaded):
    client = Client()
    client.force_login(dependent)

    assert client.get(f"/dependents/files/{uploaded.pk}/").status_code == 404


def test_another_unions_member_cannot_open_the_files(other_union_member, uploaded):
    client = Client()
    client.force_login(other_union_member)

    assert client.get(f"/dependents/files/{uploaded.pk}/").status_code in {403, 404}


def test_anonymous_visitors_are_sent_to_the_login(uploaded):
    response = Client().get(f"/dependents/files/{uploaded.pk}/")

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_staff_open_their_unions_files_in_admin_only(staff, uploaded):
    client = Client()
    other_staff = factories.StaffFactory(username="staff_other", is_superuser=False)
    _grant_admin(staff)
    _grant_admin(other_staff)
    url = f"/admin/dependents/upload/{uploaded.pk}/file/"

    own = factories.staff_login(client, staff).get(url)
    foreign = factories.staff_login(client, other_staff).get(url)

    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    assert foreign.status_code in {403, 404}  # the portal refuses another union's staff


def test_the_admin_file_view_is_scoped_to_the_staff_members_union(rf, staff, uploaded):
    from django.contrib import admin

    other_staff = factories.StaffFactory(username="staff_other")
    request = rf.get("/")
    model_admin = admin.site.get_model_admin(Upload)

    request.user = staff
    assert list(model_admin.get_queryset(request)) == [uploaded]
    request.user = other_staff
    assert not model_admin.get_queryset(request).exists()


def test_a_member_cannot_use_the_admin_file_view(member_client, uploaded):
    response = member_client.get(f"/admin/dependents/upload/{uploaded.pk}/file/")

    assert response.status_code == 302 and "login" in response.url


def test_files_are_stored_outside_public_media(uploaded, settings):
    path = uploaded.file.path

    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_a_union_without_the_contract_answers_404(member_client, union, survey):
    union.set_enabled_features(set())
    union.save()

    response = member_client.get("/dependents/")

    assert response.status_code == 404
    assert "この機能はご利用いただけません" in response.content.decode()


def test_a_survey_of_another_union_is_not_shown(client, other_union_member, survey):
    other_union = other_union_member.person.household.union
    other_union.domain = "testserver"
    survey.union.domain = None
    survey.union.save()
    other_union.save()
    make_survey(other_union)
    client.force_login(other_union_member)

    assert (
        "現在、ご回答いただく被扶養者資格調査はありません。"
        in client.get("/dependents/").content.decode()
    )


def _grant_admin(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="dependents"))
