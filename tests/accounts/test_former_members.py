"""What 資格喪失 does to an account: the union's window (default: to the end of March of the
year after the last covered day), read-only inside it, closed after it with the union's
contact; staff extend it in admin with an audit row. Each boundary: the day before, of, after.
"""

import datetime as dt

import pytest
from django.utils import timezone

from kosmo import membership
from kosmo.membership import Standing
from kosmo.models import FormerMemberAccess, PersonChange
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def at(person, day):
    return membership.standing(person, today=day)


def lost_on(day, **union):
    return factories.PersonFactory.build(
        disqualified_on=day,
        household=factories.HouseholdFactory.build(union=factories.UnionFactory.build(**union)),
    )


# --- The rule -------------------------------------------------------------------------------


def test_default_window_runs_to_the_end_of_march_after_the_year_of_the_last_covered_day():
    person = lost_on(dt.date(2026, 6, 1))  # last covered 2026-05-31: its e-Tax data, March 2027

    assert membership.access_ends_on(person) == dt.date(2027, 3, 31)
    assert at(person, dt.date(2026, 5, 31)) is Standing.ACTIVE
    assert at(person, dt.date(2026, 6, 1)) is Standing.FORMER
    assert at(person, dt.date(2026, 6, 2)) is Standing.FORMER
    assert at(person, dt.date(2027, 3, 30)) is Standing.FORMER
    assert at(person, dt.date(2027, 3, 31)) is Standing.FORMER
    assert at(person, dt.date(2027, 4, 1)) is Standing.CLOSED


@pytest.mark.parametrize(
    ("lost", "ends"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),  # last covered 2025-12-31
        (dt.date(2026, 1, 2), dt.date(2027, 3, 31)),  # last covered 2026-01-01
        (dt.date(2026, 3, 31), dt.date(2027, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
        (dt.date(2026, 12, 31), dt.date(2027, 3, 31)),
    ],
)
def test_default_window_around_the_turn_of_the_year(lost, ends):
    assert membership.access_ends_on(lost_on(lost)) == ends


def test_a_window_of_days_counts_the_loss_day_as_the_first():
    person = lost_on(
        dt.date(2026, 4, 1),
        former_member_access=FormerMemberAccess.DAYS,
        former_member_access_days=90,
    )

    assert membership.access_ends_on(person) == dt.date(2026, 6, 29)
    assert at(person, dt.date(2026, 6, 28)) is Standing.FORMER
    assert at(person, dt.date(2026, 6, 29)) is Standing.FORMER
    assert at(person, dt.date(2026, 6, 30)) is Standing.CLOSED


def test_no_window_closes_the_account_on_the_loss_day():
    person = lost_on(dt.date(2026, 4, 1), former_member_access=FormerMemberAccess.NONE)

    assert at(person, dt.date(2026, 3, 31)) is Standing.ACTIVE
    assert at(person, dt.date(2026, 4, 1)) is Standing.CLOSED


def test_staff_extension_moves_the_end_only_later():
    person = lost_on(dt.date(2026, 6, 1))
    person.access_extended_until = dt.date(2027, 6, 30)

    assert at(person, dt.date(2027, 6, 29)) is Standing.FORMER
    assert at(person, dt.date(2027, 6, 30)) is Standing.FORMER
    assert at(person, dt.date(2027, 7, 1)) is Standing.CLOSED
    person.access_extended_until = dt.date(2027, 1, 31)  # earlier than the union's rule
    assert membership.access_ends_on(person) == dt.date(2027, 3, 31)


def test_a_former_member_may_start_nothing_new_points_included():
    person = lost_on(dt.date(2026, 6, 1))

    assert membership.may_start_new(person, dt.date(2026, 5, 31))
    assert not membership.may_start_new(person, dt.date(2026, 6, 1))
    assert membership.history_until(person) == dt.date(2026, 5, 31)
    assert not membership.may_start_new(None)


# --- Sign-in and pages (the real today; the window set around it) -----------------------------


@pytest.fixture
def member(union):
    union.contact_hours = "平日 9:00〜17:00"
    union.save()
    return factories.UserFactory(
        username="yamada_taro", person__household__union=union, email="taro@example.jp"
    )


def lose(user, *, on, extended_until=None):
    person = user.person
    person.qualified_on = dt.date(2000, 4, 1)
    person.disqualified_on = on
    person.access_extended_until = extended_until
    person.save()


def test_on_the_last_day_of_the_window_a_former_member_signs_in(client, member):
    today = timezone.localdate()
    lose(member, on=today - dt.timedelta(days=400), extended_until=today)

    response = factories.sign_in(client, "yamada_taro")

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_day_after_the_window_sign_in_is_refused_with_the_unions_contact(client, member):
    today = timezone.localdate()
    lost = today - dt.timedelta(days=800)
    lose(member, on=lost, extended_until=today - DAY)

    response = client.post(
        "/accounts/login/", {"login": "yamada_taro", "password": "Test-pass-2026"}
    )

    text = response.content.decode()
    assert "このアカウントはご利用いただけなくなりました" in text
    assert f"{(today - DAY):%Y年%-m月%-d日} まで" in text
    assert "お問い合わせ: コスモ健康保険組合 電話 03-0000-0000（受付時間 平日 9:00〜17:00）" in text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_on_a_closed_account_says_only_wrong_password(client, member):
    lose(member, on=dt.date(2020, 4, 1))

    response = client.post("/accounts/login/", {"login": "yamada_taro", "password": "wrong"})

    text = response.content.decode()
    assert "無効なユーザIDまたはパスワードです。" in text
    assert "ご利用いただけなくなりました" not in text


def test_a_session_that_outlives_the_window_is_signed_out_with_the_message(client, member):
    factories.sign_in(client, "yamada_taro")
    today = timezone.localdate()
    lose(member, on=today - dt.timedelta(days=800), extended_until=today - DAY)

    response = client.get("/")

    assert response.status_code == 403
    assert "このアカウントはご利用いただけなくなりました" in response.content.decode()
    assert client.get("/medical/").status_code == 302  # signed out: to the login page


def test_from_the_loss_day_the_survey_is_closed_and_history_stays(client, member):
    today = timezone.localdate()
    factories.sign_in(client, "yamada_taro")

    lose(member, on=today + DAY)
    assert "ご利用いただけません" not in client.get("/dependents/").content.decode()

    lose(member, on=today)
    response = client.get("/dependents/")
    text = response.content.decode()
    assert response.status_code == 403
    assert "新しいお手続きやポイントの獲得はご利用いただけません" in text
    assert f"{(today - DAY):%Y年%-m月%-d日}までの履歴" in text
    assert client.get("/medical/").status_code == 200


# --- Staff --------------------------------------------------------------------------------------


def clerk_of(union, username="clerk_cosmo"):
    from django.contrib.auth.models import Group

    from accounts.roles import CLERK, sync_roles

    sync_roles()
    clerk = factories.StaffFactory(username=username, union=union)
    clerk.groups.add(Group.objects.get(name=CLERK))
    return clerk


def test_staff_see_the_end_and_extend_it_with_an_audit_row(client, member, union):
    lose(member, on=dt.date(2026, 6, 1))
    clerk = clerk_of(union)
    factories.staff_login(client, clerk)
    person = member.person

    listing = client.get("/admin/kosmo/person/").content.decode()
    assert "2027年3月31日" in listing
    page = client.get(f"/admin/kosmo/person/{person.pk}/change/")
    assert page.status_code == 200
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(
        household=person.household_id,
        birth_date="1979-08-22",
        qualified_on="2000-04-01",
        disqualified_on="2026-06-01",
        access_extended_until="2027-06-30",
        **{
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
            "changes-MIN_NUM_FORMS": "0",
            "changes-MAX_NUM_FORMS": "0",
        },
    )
    response = client.post(f"/admin/kosmo/person/{person.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.access_extended_until == dt.date(2027, 6, 30)
    change = PersonChange.objects.get(person=person)
    assert change.kind == PersonChange.Kind.ACCESS_EXTENDED
    assert change.actor == clerk
    assert change.changes == {"ログイン期限の延長": [None, "2027-06-30"]}
    assert "2027年6月30日" in client.get("/admin/kosmo/person/").content.decode()
    history = client.get(f"/admin/kosmo/person/{person.pk}/change/").content.decode()
    assert "ログイン期限の延長" in history and "clerk_cosmo" in history


def test_staff_of_another_union_cannot_open_the_person(client, member):
    lose(member, on=dt.date(2026, 6, 1))
    other = factories.UnionFactory(domain="other.localhost")
    factories.staff_login(client, clerk_of(other, "clerk_other"))
    host = {"HTTP_HOST": "other.localhost"}

    response = client.get(f"/admin/kosmo/person/{member.person.pk}/change/", **host)

    assert response.status_code == 302  # admin's answer for a row outside its queryset
    assert response.url == "/admin/"
    assert "山田 太郎" not in client.get("/admin/kosmo/person/", **host).content.decode()
