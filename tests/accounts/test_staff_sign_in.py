"""Staff sign in as members do (issue 14): password, then a second factor, with the same
lockout; the two staff roles; the union's routing and contract for operators only."""

import re

import pyotp
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import MAX_LOGIN_FAILURES
from accounts.models import User
from accounts.roles import CLERK, UNION_ADMIN
from kosmo.models import Union
from tests import factories
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def _password(client, username, password=PASSWORD):
    return client.post(LOGIN, {"login": username, "password": password})


def _email_code(client, user):
    """The code the second-factor page sent by e-mail, typed in."""
    page = client.get("/mfa/authenticate/").content.decode()
    assert f"{user.email} にワンタイムパスワードを送信しました。" in page
    code = EmailDevice.objects.get(user=user).token
    return client.post("/mfa/authenticate/", {"method": "email", "code": code})


@pytest.fixture
def clerk(union):
    user = factories.StaffFactory(username="clerk_cosmo", union=union, email="clerk@example.jp")
    user.groups.add(Group.objects.get(name=CLERK))
    return user


@pytest.fixture
def union_admin(union):
    user = factories.StaffFactory(username="manager_cosmo", union=union, email="m@example.jp")
    user.groups.add(Group.objects.get(name=UNION_ADMIN))
    return user


@pytest.fixture
def operator(db):
    return factories.StaffFactory(
        username="kosmo_root", union=None, is_superuser=True, email="root@example.jp"
    )


# --- The second factor -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clerk", "operator"])
def test_staff_and_operators_need_a_second_factor_after_the_password(client, who, request):
    user = request.getfixturevalue(who)

    response = _password(client, user.username)

    assert response.status_code == 302
    assert response.url == "/mfa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not signed in yet
    assert client.get("/admin/").url.startswith("/admin/login/")
    assert _email_code(client, user).status_code == 302
    admin = client.get("/admin/")
    assert admin.status_code == 200
    assert "管理メニュー" in admin.content.decode()


def test_staff_without_a_factor_set_one_up_before_the_admin_opens(client, union):
    user = factories.StaffFactory(username="new_clerk", union=union, second_factor=False)
    user.groups.add(Group.objects.get(name=CLERK))

    assert _password(client, "new_clerk").status_code == 302
    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response.url == "/mfa/setup/"
    choice = client.get("/mfa/setup/").content.decode()
    assert "二要素認証の設定" in choice
    assert "/mfa/setup/totp/" in choice
    assert "/mfa/setup/passkey/" in choice
    assert "/mfa/setup/email/" not in choice  # no address to send codes to
    setup = client.get("/mfa/setup/totp/").content.decode()
    key = re.search(r'data-testid="totp-key">([A-Z2-7]+)<', setup).group(1)
    done = client.post("/mfa/setup/totp/", {"code": pyotp.TOTP(key).now(), "name": "業務端末"})
    assert done.url == "/admin/"
    assert TOTPDevice.objects.get(user=user, confirmed=True).name == "業務端末"
    assert client.get("/admin/accounts/user/").status_code == 200


def test_a_new_superuser_from_createsuperuser_is_sent_to_set_up_a_factor(client, db):
    User.objects.create_superuser("root2", password=PASSWORD)

    assert _password(client, "root2").url != "/mfa/authenticate/"  # nothing to ask yet
    assert client.get("/admin/").url == "/mfa/setup/"


def test_staff_with_a_factor_cannot_skip_it_by_opening_the_admin(client, clerk):
    _password(client, clerk.username)

    for path in ["/admin/", "/admin/accounts/user/", "/mfa/setup/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(("/accounts/login/", "/admin/login/"))


# --- Lockout -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clerk", "operator"])
def test_staff_accounts_lock_after_five_wrong_passwords(client, who, request):
    user = request.getfixturevalue(who)

    for _ in range(MAX_LOGIN_FAILURES - 1):
        page = _password(client, user.username, "wrong-password").content.decode()
        assert "無効なユーザIDまたはパスワードです。" in page
    locked = _password(client, user.username, "wrong-password").content.decode()

    user.refresh_from_db()
    assert user.failed_logins == MAX_LOGIN_FAILURES
    assert user.is_locked
    assert "無効なユーザIDまたはパスワードです。" in locked  # told only to the right password
    refused = _password(client, user.username).content.decode()  # the right one, too
    assert "パスワードがロックされました。" in refused
    assert client.get("/admin/").status_code == 302


def test_staff_of_another_union_are_neither_signed_in_nor_counted_here(client, union):
    elsewhere = factories.StaffFactory(username="staff_elsewhere")  # another union

    response = _password(client, "staff_elsewhere")

    assert response.status_code == 200, response
    assert "無効なユーザIDまたはパスワードです。" in response.content.decode()
    for _ in range(MAX_LOGIN_FAILURES):
        _password(client, "staff_elsewhere", "wrong-password")
    elsewhere.refresh_from_db()
    assert elsewhere.failed_logins == 0


# --- The two roles -----------------------------------------------------------------------------


def test_the_roles_come_from_the_migration_with_the_clerks_rights(db):
    clerk = set(
        Group.objects.get(name=CLERK).permissions.values_list("content_type__app_label", "codename")
    )
    manager = set(
        Group.objects.get(name=UNION_ADMIN).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )

    for granted in [
        ("accounts", "add_user"),
        ("accounts", "change_user"),
        ("accounts", "add_termsversion"),
        ("kosmo", "view_union"),
        ("kosmo", "view_person"),
        ("notices", "add_notice"),
        ("notices", "add_message"),
        ("notices", "change_faqquestion"),
        ("eligibility", "change_eligibilitycertificate"),
        ("eligibility", "change_addresschangerequest"),
        ("benefits", "change_benefittype"),
        ("checkup", "change_criteriaoverride"),
        ("dependents", "change_surveytarget"),
        ("dependents", "change_inquiry"),
        ("mfa", "delete_passkeydevice"),
    ]:
        assert granted in clerk, granted
    for withheld in [
        ("kosmo", "change_union"),
        ("kosmo", "add_union"),
        ("kosmo", "delete_union"),
        ("accounts", "change_securityevent"),
        ("accounts", "delete_user"),
        ("medical", "view_etaxsigningcredential"),
        ("eligibility", "change_organdonationintent"),
    ]:
        assert withheld not in clerk, withheld
    assert manager - clerk == {("kosmo", "change_union")}


def _union_form(union, **changes):
    data = {
        "insurer_number": union.insurer_number,
        "name": union.name,
        "slug": union.slug,
        "domain": union.domain or "",
        "tier": union.tier,
        "brand_color": union.brand_color,
        "password_min_length": union.password_min_length,
        "password_max_length": union.password_max_length,
        "password_min_character_classes": union.password_min_character_classes,
        "idle_timeout_minutes": union.idle_timeout_minutes,
        "mail_from": union.mail_from,
        "contact_phone": union.contact_phone,
        "contact_hours": union.contact_hours,
        "contact_email": union.contact_email,
        "postal_code": union.postal_code,
        "address": union.address,
        "former_member_access": union.former_member_access,
        "former_member_access_days": union.former_member_access_days,
        "former_member_sees": union.former_member_sees,
        "enabled_features": sorted(union.enabled_feature_keys),
    }
    data.update(changes)
    return data


def test_a_clerk_reads_the_union_settings_but_cannot_change_them(union, clerk):
    client = factories.staff_login(Client(), clerk)
    url = f"/admin/kosmo/union/{union.pk}/change/"

    page = client.get(url)
    response = client.post(
        url, _union_form(union, domain="evil.example.jp", tier="rich", contact_phone="0")
    )

    assert page.status_code == 200
    assert 'name="domain"' not in page.content.decode()
    assert response.status_code == 403
    union.refresh_from_db()
    assert union.domain == "testserver"
    assert union.tier == Union.ContractTier.STANDARD


def test_a_union_admin_changes_contact_but_never_routing_contract_or_features(union, union_admin):
    client = factories.staff_login(Client(), union_admin)
    url = f"/admin/kosmo/union/{union.pk}/change/"
    features = sorted(union.enabled_feature_keys)

    page = client.get(url).content.decode()
    response = client.post(
        url,
        _union_form(
            union,
            domain="evil.example.jp",
            slug="evil",
            tier="rich",
            insurer_number="99999999",
            enabled_features=["medical"],
            contact_phone="03-1111-2222",
        ),
    )

    assert 'name="contact_phone"' in page
    for field in ["domain", "slug", "tier", "insurer_number", "enabled_features"]:
        assert f'name="{field}"' not in page
    assert response.status_code == 302
    union.refresh_from_db()
    assert union.contact_phone == "03-1111-2222"
    assert (union.domain, union.slug, union.tier) == ("testserver", union.slug, "standard")
    assert union.slug != "evil"
    assert sorted(union.enabled_feature_keys) == features


def test_a_union_admin_sets_how_long_former_members_may_sign_in(union, union_admin):
    client = factories.staff_login(Client(), union_admin)
    url = f"/admin/kosmo/union/{union.pk}/change/"

    page = client.get(url).content.decode()
    response = client.post(
        url, _union_form(union, former_member_access="days", former_member_access_days=30)
    )

    assert "資格喪失後のログイン" in page
    assert "喪失した年の翌年3月31日まで（e-Tax の医療費通知データのため）" in page
    assert response.status_code == 302
    union.refresh_from_db()
    assert (union.former_member_access, union.former_member_access_days) == ("days", 30)


def test_an_operator_changes_host_name_tier_and_features(union, operator):
    client = factories.staff_login(Client(HTTP_HOST="testserver"), operator)
    url = f"/admin/kosmo/union/{union.pk}/change/"

    response = client.post(
        url, _union_form(union, domain="portal.example.jp", tier="rich", enabled_features=[])
    )

    assert response.status_code == 302
    union.refresh_from_db()
    assert union.domain == "portal.example.jp"
    assert union.tier == Union.ContractTier.RICH


def test_a_clerk_manages_member_accounts_but_not_staff_accounts(clerk, union_admin, insured):
    client = factories.staff_login(Client(), clerk)

    assert client.get(f"/admin/accounts/user/{insured.pk}/password/").status_code == 200
    assert client.get(f"/admin/accounts/user/{union_admin.pk}/password/").status_code == 403
    response = client.post(
        f"/admin/accounts/user/{union_admin.pk}/password/",
        {"password1": "Taken-over-2026", "password2": "Taken-over-2026"},
    )
    assert response.status_code == 403
    union_admin.refresh_from_db()
    assert union_admin.check_password(PASSWORD)
