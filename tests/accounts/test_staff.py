"""ACC-14: what union staff do for members — unlock, re-issue passwords, issue accounts, read
the login history and manage the terms — always within their own union."""

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.admin import issue_accounts_action
from accounts.models import SecurityEvent, TermsConsent, TermsVersion, User
from kosmo.admin import PersonAdmin
from kosmo.models import Person
from tests import factories

USERS = "/admin/accounts/user/"
EVENTS = "/admin/accounts/securityevent/"
TERMS = "/admin/accounts/termsversion/"
CONSENTS = "/admin/accounts/termsconsent/"
PERSONS = "/admin/kosmo/person/"
OTHER_HOST = "other.example.jp"
STAFF_PERMISSIONS = [
    ("accounts", "view_user"),
    ("accounts", "change_user"),
    ("accounts", "add_user"),
    ("accounts", "view_securityevent"),
    ("accounts", "view_termsversion"),
    ("accounts", "add_termsversion"),
    ("accounts", "change_termsversion"),
    ("accounts", "view_termsconsent"),
    ("kosmo", "view_person"),
]


def grant(user):
    for app_label, codename in STAFF_PERMISSIONS:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def act(client, url, action, *objects):
    return client.post(
        url,
        {
            "action": action,
            "_selected_action": [str(obj.pk) for obj in objects],
            "index": "0",
            "select_across": "0",
        },
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(grant(staff))
    return client


@pytest.fixture
def other_union(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]
    return factories.UnionFactory(name="よその健康保険組合", domain=OTHER_HOST)


@pytest.fixture
def other_staff_client(other_union):
    """Staff of another union, with every permission, on their own union's portal."""
    client = Client(HTTP_HOST=OTHER_HOST)
    client.force_login(grant(factories.StaffFactory(username="staff_other", union=other_union)))
    return client


@pytest.fixture
def locked_member(insured):
    User.objects.filter(pk=insured.pk).update(failed_logins=20, locked_at=timezone.now())
    insured.refresh_from_db()
    return insured


# --- Unlock and the lock flag -------------------------------------------------------------------


def test_staff_unlocks_a_locked_account_with_the_admin_action(staff_client, staff, locked_member):
    response = act(staff_client, USERS, "unlock_accounts", locked_member)

    assert response.status_code == 302
    locked_member.refresh_from_db()
    assert not locked_member.is_locked
    assert locked_member.failed_logins == 0
    event = SecurityEvent.objects.get(user=locked_member, kind=SecurityEvent.Kind.UNLOCKED)
    assert event.actor == staff
    page = staff_client.get(response.url)
    assert "1件のアカウントのロックを解除しました。" in page.content.decode()
    member = Client()
    signed_in = member.post(
        "/accounts/login/", {"login": locked_member.username, "password": factories.PASSWORD}
    )
    assert signed_in.status_code == 302


def test_unlocking_an_account_that_is_not_locked_changes_nothing(staff_client, insured):
    response = act(staff_client, USERS, "unlock_accounts", insured)

    assert (
        "ロックされているアカウントはありませんでした。"
        in staff_client.get(response.url).content.decode()
    )
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.UNLOCKED).exists()


def test_locked_accounts_are_flagged_and_filtered(staff_client, locked_member, dependent):
    User.objects.filter(pk=dependent.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=10)
    )

    everyone = staff_client.get(USERS).content.decode()
    locked = staff_client.get(USERS + "?lock=permanent").content.decode()

    assert "アカウントロック" in everyone
    assert "パスワードロック（" in everyone
    assert locked_member.username in locked
    assert dependent.username not in locked


def test_staff_without_change_permission_cannot_unlock(client, staff, locked_member):
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="view_user")
    )
    client.force_login(staff)

    act(client, USERS, "unlock_accounts", locked_member)

    locked_member.refresh_from_db()
    assert locked_member.is_locked


def test_union_staff_cannot_grant_themselves_more_rights(staff_client, staff):
    response = staff_client.get(f"{USERS}{staff.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html
    assert 'name="union"' not in html


# --- Another union's staff ----------------------------------------------------------------------


def test_staff_of_another_union_cannot_see_or_unlock_this_unions_accounts(
    other_staff_client, locked_member
):
    listing = other_staff_client.get(USERS)
    assert listing.status_code == 200
    assert locked_member.username not in listing.content.decode()
    assert other_staff_client.get(f"{USERS}{locked_member.pk}/change/").status_code == 302

    act(other_staff_client, USERS, "unlock_accounts", locked_member)
    act(other_staff_client, USERS, "reissue_passwords", locked_member)

    locked_member.refresh_from_db()
    assert locked_member.is_locked
    assert locked_member.check_password(factories.PASSWORD)
    assert not SecurityEvent.objects.filter(
        kind__in=[SecurityEvent.Kind.UNLOCKED, SecurityEvent.Kind.PASSWORD_RESET_FORCED]
    ).exists()


def test_staff_of_another_union_cannot_read_this_unions_login_history(other_staff_client, insured):
    SecurityEvent.objects.create(
        user=insured, kind=SecurityEvent.Kind.LOGIN_FAILED, ip_address="203.0.113.9"
    )

    listing = other_staff_client.get(EVENTS)

    assert listing.status_code == 200
    assert "203.0.113.9" not in listing.content.decode()


def test_staff_of_another_union_are_refused_on_this_unions_portal(other_union, insured):
    client = Client()
    client.force_login(grant(factories.StaffFactory(username="staff_other", union=other_union)))

    assert client.get(USERS).status_code == 403


# --- Re-issuing a password ----------------------------------------------------------------------


def test_reissued_password_is_shown_once_and_never_stored(staff_client, staff, locked_member):
    response = act(staff_client, USERS, "reissue_passwords", locked_member)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "パスワードを再発行しました" in html
    [password] = re.findall(
        rf"<code>{locked_member.username}</code></td>\s*<td><code>([^<]+)</code>", html
    )
    assert password != factories.PASSWORD
    session_and_cookies = str(dict(staff_client.session)) + str(staff_client.cookies)
    assert password not in session_and_cookies
    assert all(password not in e.detail for e in SecurityEvent.objects.all())

    locked_member.refresh_from_db()
    assert locked_member.check_password(password)
    assert locked_member.must_change_password
    assert not locked_member.is_locked  # the new password would be useless otherwise
    event = SecurityEvent.objects.get(
        user=locked_member, kind=SecurityEvent.Kind.PASSWORD_RESET_FORCED
    )
    assert event.actor == staff

    member = Client()
    signed_in = member.post(
        "/accounts/login/", {"login": locked_member.username, "password": password}
    )
    assert signed_in.status_code == 302


# --- Login history --------------------------------------------------------------------------------


def test_login_history_is_read_only(staff_client, insured, staff):
    event = SecurityEvent.objects.create(
        user=insured,
        kind=SecurityEvent.Kind.UNLOCKED,
        ip_address="203.0.113.9",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1",
        actor=staff,
    )

    listing = staff_client.get(EVENTS).content.decode()

    for text in ["203.0.113.9", "Safari / iOS", "ロック解除", insured.username, staff.username]:
        assert text in listing
    assert staff_client.get(EVENTS + "add/").status_code == 403
    detail = staff_client.get(f"{EVENTS}{event.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert staff_client.post(f"{EVENTS}{event.pk}/delete/").status_code == 403


def test_account_page_links_to_its_login_history(staff_client, insured):
    html = staff_client.get(f"{USERS}{insured.pk}/change/").content.decode()

    assert f"{EVENTS}?user__id__exact={insured.pk}" in html


# --- Terms of use ----------------------------------------------------------------------------


def test_staff_create_a_terms_version_for_their_own_union(staff_client, union):
    response = staff_client.post(
        TERMS + "add/", {"version": "2.0", "title": "KOSMO Web 利用規約", "body": "第1条"}
    )

    assert response.status_code == 302
    terms = TermsVersion.objects.get(version="2.0")
    assert terms.union == union
    assert terms.published_at is None


def test_a_terms_version_number_is_used_once_per_union(staff_client, union):
    TermsVersion.objects.create(union=union, version="2.0", body="第1条")

    response = staff_client.post(
        TERMS + "add/", {"version": "2.0", "title": "KOSMO Web 利用規約", "body": "第1条"}
    )

    assert response.status_code == 200
    assert "この版はすでに登録されています。" in response.content.decode()


def test_publish_action_puts_a_draft_in_force(staff_client, union, insured):
    draft = TermsVersion.objects.create(union=union, version="2.0", body="第1条")

    act(staff_client, TERMS, "publish", draft)

    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.published_at <= timezone.now()


def test_published_terms_cannot_be_edited(staff_client, union):
    terms = TermsVersion.objects.create(
        union=union, version="1.0", body="第1条", published_at=timezone.now()
    )

    html = staff_client.get(f"{TERMS}{terms.pk}/change/").content.decode()

    assert 'name="body"' not in html
    assert "第1条" in html


def test_terms_consents_are_a_read_only_history_of_the_union(
    staff_client, union, insured, other_union_member
):
    mine = TermsVersion.objects.create(
        union=union, version="1.0", body="第1条", published_at=timezone.now()
    )
    theirs = TermsVersion.objects.create(
        union=other_union_member.union, version="9.9", body="第1条", published_at=timezone.now()
    )
    TermsConsent.objects.create(user=insured, terms=mine, ip_address="203.0.113.1")
    TermsConsent.objects.create(user=other_union_member, terms=theirs, ip_address="203.0.113.2")

    html = staff_client.get(CONSENTS).content.decode()

    assert "203.0.113.1" in html
    assert "203.0.113.2" not in html
    assert "9.9" not in html
    assert staff_client.get(CONSENTS + "add/").status_code == 403
    assert "9.9" not in staff_client.get(TERMS).content.decode()


# --- Issuing accounts: the command ---------------------------------------------------------------


@pytest.fixture
def covered(union, household, insured, child):
    """The union's persons: the insured member (has an account), a child (has none), a
    dependent who lost coverage, one who loses it next month, and another household."""
    today = timezone.localdate()
    gone = factories.DependentFactory(
        household=household, branch="03", given_name="次郎", disqualified_on=today
    )
    leaving = factories.DependentFactory(
        household=household,
        branch="04",
        given_name="三郎",
        disqualified_on=today + dt.timedelta(days=30),
    )
    neighbour = factories.PersonFactory(
        household=factories.HouseholdFactory(union=union, symbol="1001", number="99999"),
        family_name="鈴木",
        given_name="一",
    )
    return {"child": child, "gone": gone, "leaving": leaving, "neighbour": neighbour}


def issue(*args):
    out = io.StringIO()
    call_command("issue_accounts", *args, stdout=out)
    return out.getvalue()


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_issue_accounts_creates_accounts_and_the_letters_csv(tmp_path, union, covered):
    other = factories.PersonFactory(household=factories.HouseholdFactory())  # another union
    output = tmp_path / "letters.csv"

    summary = issue("--union", union.slug, "--output", str(output))

    [header, *rows] = read_csv(output)
    assert header == ["記号", "番号", "枝番", "氏名", "ユーザID", "仮パスワード"]
    assert [row[3] for row in rows] == ["山田 一郎", "山田 三郎", "鈴木 一"]
    child = covered["child"]
    child_row = rows[0]
    assert child_row[:3] == [child.household.symbol, child.household.number, "02"]
    account = User.objects.get(person=child)
    assert child_row[4] == account.username
    assert re.fullmatch(r"k\d{9}", account.username)
    assert account.check_password(child_row[5])
    assert account.is_temporary_id and account.must_change_password
    assert not User.objects.filter(person__in=[covered["gone"], other]).exists()
    assert "3件のアカウントを発行しました（被保険者 1件・被扶養者 2件）。" in summary
    assert output.stat().st_mode & 0o777 == 0o600


def test_issue_accounts_twice_issues_nothing_the_second_time(tmp_path, union, covered):
    issue("--union", union.slug, "--output", str(tmp_path / "first.csv"))
    accounts = User.objects.count()

    summary = issue("--union", union.slug, "--output", str(tmp_path / "second.csv"))

    assert User.objects.count() == accounts
    assert "アカウントを発行する加入者はいません。" in summary
    assert not (tmp_path / "second.csv").exists()


def test_issue_accounts_dry_run_changes_and_writes_nothing(tmp_path, union, covered):
    output = tmp_path / "letters.csv"
    accounts = User.objects.count()
    events = SecurityEvent.objects.count()

    summary = issue("--union", union.slug, "--dry-run", "--output", str(output))

    assert "(ドライラン)" in summary
    assert "3件のアカウントを発行します" in summary
    assert User.objects.count() == accounts
    assert SecurityEvent.objects.count() == events
    assert not output.exists()


def test_issue_accounts_refuses_to_overwrite_a_file(tmp_path, union, covered):
    output = tmp_path / "letters.csv"
    output.write_text("前回の通知書")

    with pytest.raises(CommandError, match="既に存在します"):
        issue("--union", union.slug, "--output", str(output))

    assert output.read_text() == "前回の通知書"
    assert not User.objects.filter(person=covered["child"]).exists()


def test_issue_accounts_needs_an_output_file_unless_dry_run(union, covered):
    with pytest.raises(CommandError, match="--output に通知書用CSVの出力先を指定してください。"):
        issue("--union", union.slug)


def test_issue_accounts_rejects_an_unknown_union_in_japanese(db):
    with pytest.raises(CommandError) as error:
        issue("--union", "no-such-union", "--dry-run")

    assert str(error.value) == (
        "健康保険組合「no-such-union」が見つかりません。識別名 (slug) を確認してください。"
    )


def test_issue_accounts_for_one_household_and_insured_only(tmp_path, union, covered):
    output = tmp_path / "letters.csv"
    neighbour = covered["neighbour"]

    issue("--union", union.slug, "--household", "99999", "--insured-only", "--output", str(output))

    [_, *rows] = read_csv(output)
    assert [row[3] for row in rows] == ["鈴木 一"]
    assert User.objects.filter(person=neighbour).exists()
    assert not User.objects.filter(person=covered["child"]).exists()


def test_issue_accounts_for_an_unknown_household_is_an_error(union, covered):
    with pytest.raises(CommandError, match="番号「12345」の世帯"):
        issue("--union", union.slug, "--household", "12345", "--dry-run")


# --- Issuing accounts: the staff action on 加入者 -----------------------------------------------


@pytest.fixture
def person_admin_with_issue_action(monkeypatch):
    """PersonAdmin with the action added, as kosmo/admin.py will have it."""
    monkeypatch.setattr(PersonAdmin, "actions", [issue_accounts_action])


def test_staff_issue_an_account_from_the_person_list(
    staff_client, staff, covered, person_admin_with_issue_action
):
    child = covered["child"]

    response = act(staff_client, PERSONS, "issue_accounts_action", child, covered["gone"])

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    account = User.objects.get(person=child)
    html = response.content.decode()
    [password] = re.findall(
        rf"<code>{account.username}</code></td>\s*<td><code>([^<]+)</code>", html
    )
    assert account.check_password(password)
    assert "1件は、すでにアカウントがあるか資格を喪失しているため発行しませんでした。" in html
    assert not User.objects.filter(person=covered["gone"]).exists()
    event = SecurityEvent.objects.get(user=account, kind=SecurityEvent.Kind.ACCOUNT_ISSUED)
    assert event.actor == staff


def test_staff_of_another_union_cannot_issue_this_unions_accounts(
    other_staff_client, covered, person_admin_with_issue_action
):
    act(other_staff_client, PERSONS, "issue_accounts_action", covered["child"])

    assert not User.objects.filter(person=covered["child"]).exists()


def test_issuing_accounts_needs_the_add_account_permission(
    client, staff, covered, person_admin_with_issue_action
):
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="kosmo", codename="view_person")
    )
    client.force_login(staff)

    response = act(client, PERSONS, "issue_accounts_action", covered["child"])

    assert not User.objects.filter(person=covered["child"]).exists()
    assert "アカウントを発行する権限がありません。" in client.get(response.url).content.decode()
    assert Person.objects.filter(pk=covered["child"].pk).exists()


def test_admin_login_goes_through_the_portal_login(client, union):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
