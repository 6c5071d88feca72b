"""MFA-1 … MFA-3, MFA-5 … MFA-9 with pyotp as the authenticator app and the e-mail outbox."""

import re
import time

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from mfa import services
from tests import factories

WRONG_CODE = "ワンタイムパスワードが正しくありません"


def _html(response):
    return response.content.decode()


def _totp_device(user, name="iPhone"):
    device = TOTPDevice.objects.create(user=user, name=name, confirmed=True, tolerance=1)
    return device, pyotp.TOTP(services.totp_base32(device))


def _password(client, username="yamada_taro"):
    return client.post("/accounts/login/", {"login": username, "password": factories.PASSWORD})


@pytest.fixture
def totp_member(insured):
    EmailDevice.objects.filter(user=insured).delete()
    device, app = _totp_device(insured)
    return insured, device, app


@pytest.fixture
def reauthenticated(member_client):
    device = EmailDevice.objects.get(user__username="yamada_taro")
    member_client.post("/mfa/reauthenticate/", {"password": factories.PASSWORD})
    device.generate_token(valid_secs=300)
    member_client.post("/mfa/reauthenticate/factor/", {"method": "email", "code": device.token})
    return member_client


# --- Login ---


def test_password_alone_does_not_sign_in_a_member_with_a_second_factor(client, totp_member):
    response = _password(client)

    assert response.url == "/mfa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 200
    assert ">ログイン</a>" in _html(client.get("/"))


def test_totp_code_completes_the_login(client, totp_member):
    _, device, app = totp_member
    _password(client)

    page = client.get("/mfa/authenticate/")
    response = client.post(
        "/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": app.now()}
    )

    assert "ワンタイムパスワードの入力" in _html(page)
    assert "トップページへ" in _html(page)
    assert response.url == "/"
    assert "山田 太郎" in _html(client.get("/"))


def test_wrong_code_shows_the_manuals_message(client, totp_member):
    _, device, _ = totp_member
    _password(client)

    response = client.post(
        "/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": "000000"}
    )

    assert WRONG_CODE in _html(response)
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind="mfa_failed").count() == 1


def test_an_accepted_code_cannot_be_used_again(client, totp_member):
    _, device, app = totp_member
    code = app.now()
    _password(client)
    client.post("/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": code})
    other = Client()
    _password(other)

    replay = other.post("/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": code})

    assert WRONG_CODE in _html(replay)


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-30, True), (30, True), (-90, False), (90, False)]
)
def test_clock_drift_of_one_step_is_tolerated(client, totp_member, offset, accepted):
    _, device, app = totp_member
    _password(client)
    if time.time() % 30 > 20:  # not at the end of a step, which the server may see pass
        time.sleep(30 - time.time() % 30 + 0.1)

    response = client.post(
        "/mfa/authenticate/",
        {"method": "totp", "device": device.pk, "code": app.at(time.time() + offset)},
    )

    assert (response.status_code == 302) is accepted


def test_with_two_devices_the_member_picks_one_by_name(client, totp_member):
    user, _, _ = totp_member
    second, second_app = _totp_device(user, name="会社のAndroid")
    _password(client)

    page = client.get("/mfa/authenticate/")
    response = client.post(
        "/mfa/authenticate/", {"method": "totp", "device": second.pk, "code": second_app.now()}
    )

    assert "<option" in _html(page) and "会社のAndroid" in _html(page) and "iPhone" in _html(page)
    assert response.url == "/"


def test_another_members_device_cannot_be_chosen(client, totp_member, other_household_member):
    foreign, foreign_app = _totp_device(other_household_member, name="他人")
    _password(client)

    response = client.post(
        "/mfa/authenticate/", {"method": "totp", "device": foreign.pk, "code": foreign_app.now()}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_email_code_login(client, insured, django_capture_on_commit_callbacks):
    _password(client)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/mfa/authenticate/")
    [message] = mail.outbox
    code = re.search(r"\b(\d{6})\b", message.body).group(1)

    response = client.post("/mfa/authenticate/", {"method": "email", "code": code})

    assert message.subject == "【KOSMOWeb】ワンタイムパスワードのお知らせ"
    assert "受信したワンタイムパスワードを入力してください。" in _html(page)
    assert "再送信" in _html(page)
    assert response.url == "/"


def test_each_method_has_the_manuals_heading(
    client, totp_member, django_capture_on_commit_callbacks
):
    user, _, _ = totp_member
    EmailDevice.objects.create(user=user, name="メール", confirmed=True)
    _password(client)

    totp = _html(client.get("/mfa/authenticate/?method=totp"))
    with django_capture_on_commit_callbacks(execute=True):
        email = _html(client.get("/mfa/authenticate/?method=email"))

    assert '<h1 class="page-title">ワンタイムパスワードの入力</h1>' in totp
    assert '<h1 class="page-title">ワンタイムパスワード (OTP) メール認証</h1>' in email
    assert "ワンタイムパスワードの入力" not in email


def test_email_code_resend_has_a_cool_down(client, insured, django_capture_on_commit_callbacks):
    _password(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/mfa/authenticate/")
        again = client.post("/mfa/authenticate/", {"method": "email", "action": "resend"})

    assert len(mail.outbox) == 1
    assert "秒後からできます。" in _html(again)


def test_email_code_expires_after_five_minutes(client, insured):
    _password(client)
    device = EmailDevice.objects.get(user=insured)
    device.generate_token(valid_secs=300)
    device.valid_until = device.valid_until.replace(year=2000)
    device.save()

    response = client.post("/mfa/authenticate/", {"method": "email", "code": device.token})

    assert WRONG_CODE in _html(response)


def test_brute_force_on_the_code_is_rate_limited(client, totp_member):
    _, device, _ = totp_member
    _password(client)

    for _ in range(10):
        client.post("/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": "123456"})
    blocked = client.post(
        "/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": "123456"}
    )

    assert "短時間に操作が繰り返されました。" in _html(blocked)


def test_wrong_codes_slow_the_device_down(client, totp_member):
    _, device, app = totp_member
    _password(client)
    client.post("/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": "000000"})

    # django-otp throttling: right after a failure even the right code waits a second.
    response = client.post(
        "/mfa/authenticate/", {"method": "totp", "device": device.pk, "code": app.now()}
    )

    assert "ワンタイムパスワードを続けて間違えたため、1秒後にもう一度入力してください。" in _html(
        response
    )
    assert "_auth_user_id" not in client.session


def test_member_can_switch_to_another_method(
    client, totp_member, django_capture_on_commit_callbacks
):
    user, _, _ = totp_member
    EmailDevice.objects.create(user=user, name="メール", confirmed=True)
    _password(client)

    page = client.get("/mfa/authenticate/")

    assert "他の方法で認証する" in _html(page)
    assert "?method=totp" in _html(page)  # the preferred method (e-mail) is shown first


# --- Setup ---


def test_totp_setup_page_matches_the_manual(reauthenticated, insured):
    html = _html(reauthenticated.get("/mfa/setup/totp/"))

    for text in [
        "ワンタイムパスワードの設定",
        "Google Authenticator",
        "Microsoft Authenticator",
        "FreeOTP",
        "スキャンできませんか?",
        "ワンタイムパスワード",
        "デバイス名",
        "全てのデバイスからサインアウトする",
        "実行",
    ]:
        assert text in html
    assert 'src="data:image/svg+xml;base64,' in html


def test_totp_setup_never_cached(reauthenticated):
    response = reauthenticated.get("/mfa/setup/totp/")

    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_otpauth_uri_names_the_union_and_the_user_id(insured):
    device = services.pending_totp_device(insured)

    uri = services.totp_uri(device, insured)

    assert uri.startswith("otpauth://totp/")
    assert "yamada_taro" in uri
    assert "issuer=" in uri and "%E5%81%A5%E5%BA%B7" in uri  # 健康 of コスモ健康保険組合


def test_totp_setup_with_the_displayed_key(reauthenticated, insured):
    html = _html(reauthenticated.get("/mfa/setup/totp/"))
    key = re.search(r'data-testid="totp-key">([A-Z2-7]+)<', html).group(1)

    response = reauthenticated.post(
        "/mfa/setup/totp/", {"code": pyotp.TOTP(key.lower()).now(), "name": "iPhone"}
    )

    assert response.url == "/accounts/login-methods/"
    assert TOTPDevice.objects.get(user=insured, confirmed=True).name == "iPhone"
    assert SecurityEvent.objects.filter(user=insured, kind="mfa_added").exists()


def test_totp_setup_right_after_a_typo_says_how_long_to_wait(reauthenticated, insured):
    html = _html(reauthenticated.get("/mfa/setup/totp/"))
    app = pyotp.TOTP(re.search(r'data-testid="totp-key">([A-Z2-7]+)<', html).group(1))
    reauthenticated.post("/mfa/setup/totp/", {"code": "000000", "name": "iPhone"})

    # django-otp refuses even the right code for a second after a wrong one.
    response = reauthenticated.post("/mfa/setup/totp/", {"code": app.now(), "name": "iPhone"})

    assert "ワンタイムパスワードを続けて間違えたため、1秒後にもう一度入力してください。" in _html(
        response
    )
    assert WRONG_CODE not in _html(response)
    assert not TOTPDevice.objects.filter(user=insured, confirmed=True).exists()


def test_email_setup_right_after_a_typo_says_how_long_to_wait(client, household):
    user = factories.UserFactory(username="k000000779", person__household=household)
    EmailDevice.objects.filter(user=user).delete()
    client.force_login(user)
    device = services.email_device(user)
    device.generate_token(valid_secs=300)
    client.post("/mfa/setup/email/", {"code": "000000"})

    response = client.post("/mfa/setup/email/", {"code": device.token})

    assert "ワンタイムパスワードを続けて間違えたため、1秒後にもう一度入力してください。" in _html(
        response
    )
    assert not EmailDevice.objects.get(user=user).confirmed


def test_totp_setup_needs_both_fields_and_a_right_code(reauthenticated):
    empty = _html(reauthenticated.post("/mfa/setup/totp/", {"code": "", "name": ""}))
    wrong = _html(reauthenticated.post("/mfa/setup/totp/", {"code": "123456", "name": "x"}))

    assert "ワンタイムパスワードを入力してください。" in empty
    assert "デバイス名を入力してください。" in empty
    assert WRONG_CODE in wrong


def test_device_names_are_unique_per_account(reauthenticated, insured):
    _totp_device(insured, name="iPhone")

    html = _html(reauthenticated.post("/mfa/setup/totp/", {"code": "123456", "name": "iPhone"}))

    assert "すでに登録されているデバイス名です。別の名前を入力してください。" in html


def test_adding_a_device_requires_reauthentication(member_client):
    response = member_client.get("/mfa/setup/totp/")

    assert response.url == "/mfa/reauthenticate/?next=%2Fmfa%2Fsetup%2Ftotp%2F"


def test_reauthentication_is_password_then_second_factor_and_returns(member_client, insured):
    device = EmailDevice.objects.get(user=insured)
    first = member_client.post(
        "/mfa/reauthenticate/?next=/accounts/profile/email/",
        {"password": factories.PASSWORD, "next": "/accounts/profile/email/"},
    )
    device.generate_token(valid_secs=300)
    second = member_client.post(
        first.url, {"method": "email", "code": device.token, "next": "/accounts/profile/email/"}
    )

    assert first.url.startswith("/mfa/reauthenticate/factor/")
    assert second.url == "/accounts/profile/email/"
    assert member_client.get("/accounts/profile/email/").status_code == 200


def test_reauthentication_refuses_a_wrong_password(member_client):
    response = member_client.post("/mfa/reauthenticate/", {"password": "wrong-one"})

    assert "パスワードが正しくありません。" in _html(response)


def test_the_factor_step_needs_the_password_step_first(member_client):
    assert member_client.get("/mfa/reauthenticate/factor/").url.startswith("/mfa/reauthenticate/")


def test_reauthentication_expires_after_five_minutes(reauthenticated, settings):
    assert reauthenticated.get("/accounts/profile/email/").status_code == 200
    session = reauthenticated.session
    session["kosmo_reauthenticated_at"] = time.time() - 301
    session.save()

    assert reauthenticated.get("/accounts/profile/email/").url.startswith("/mfa/reauthenticate/")


def test_reauthentication_does_not_follow_an_outside_next(member_client, insured):
    device = EmailDevice.objects.get(user=insured)
    member_client.post(
        "/mfa/reauthenticate/", {"password": factories.PASSWORD, "next": "https://evil.example/"}
    )
    device.generate_token(valid_secs=300)

    response = member_client.post(
        "/mfa/reauthenticate/factor/",
        {"method": "email", "code": device.token, "next": "https://evil.example/"},
    )

    assert response.url == "/"


# --- Login methods page, deletion ---


def test_login_methods_page_lists_every_method(member_client, insured):
    _totp_device(insured, name="iPhone")

    html = _html(member_client.get("/accounts/login-methods/"))

    for text in [
        "基本認証",
        "パスワード",
        "作成日",
        "更新",
        "二要素認証",
        "認証アプリ",
        "iPhone",
        "削除",
        "設定",
        "生体認証は未設定",
        "メール認証は削除できません。",
    ]:
        assert text in html


def test_login_methods_page_advises_a_backup_while_only_one_exists(member_client):
    html = _html(member_client.get("/accounts/login-methods/"))

    assert "別の認証方法も登録しておくことをおすすめします。" in html


def test_delete_asks_for_confirmation_then_deletes(reauthenticated, insured):
    device, _ = _totp_device(insured, name="古いiPhone")

    page = reauthenticated.get(f"/mfa/devices/totp/{device.pk}/delete/")
    response = reauthenticated.post(f"/mfa/devices/totp/{device.pk}/delete/")

    assert "削除する" in _html(page) and "戻る" in _html(page) and "古いiPhone" in _html(page)
    assert response.url == "/accounts/login-methods/"
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert SecurityEvent.objects.filter(user=insured, kind="mfa_removed").exists()


def test_the_last_second_factor_cannot_be_deleted(client, totp_member):
    user, device, app = totp_member
    client.force_login(user)
    client.post("/mfa/reauthenticate/", {"password": factories.PASSWORD})
    client.post(
        "/mfa/reauthenticate/factor/", {"method": "totp", "device": device.pk, "code": app.now()}
    )

    page = client.get(f"/mfa/devices/totp/{device.pk}/delete/")
    client.post(f"/mfa/devices/totp/{device.pk}/delete/")

    assert "最後の二要素認証は削除できません。" in _html(page)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_last_factor_is_refused_before_any_reauthentication(client, totp_member):
    user, device, _ = totp_member
    client.force_login(user)

    page = client.get(f"/mfa/devices/totp/{device.pk}/delete/")
    posted = client.post(f"/mfa/devices/totp/{device.pk}/delete/")

    assert page.status_code == 200  # not sent to 「続行するには再度認証してください」 first
    assert "最後の二要素認証は削除できません。" in _html(page)
    assert "削除する" not in _html(page)
    assert posted.status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_deleting_a_factor_that_is_not_the_last_still_asks_to_reauthenticate(
    member_client, insured
):
    device, _ = _totp_device(insured, name="古いiPhone")

    response = member_client.get(f"/mfa/devices/totp/{device.pk}/delete/")
    member_client.post(f"/mfa/devices/totp/{device.pk}/delete/")

    assert response.url == (
        f"/mfa/reauthenticate/?next=%2Fmfa%2Fdevices%2Ftotp%2F{device.pk}%2Fdelete%2F"
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_email_method_cannot_be_deleted(reauthenticated, insured):
    device = EmailDevice.objects.get(user=insured)

    assert reauthenticated.post(f"/mfa/devices/email/{device.pk}/delete/").status_code == 404
    assert EmailDevice.objects.filter(pk=device.pk).exists()


def test_another_members_device_cannot_be_deleted(reauthenticated, other_household_member):
    device, _ = _totp_device(other_household_member)

    assert reauthenticated.post(f"/mfa/devices/totp/{device.pk}/delete/").status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_choosing_an_unregistered_method_in_the_profile_starts_its_setup(member_client):
    response = member_client.post(
        "/accounts/profile/", {"language": "ja", "user_id": "yamada_taro", "mfa_method": "totp"}
    )

    assert response.url == "/mfa/setup/totp/"


def test_choosing_a_registered_method_just_saves(member_client):
    response = member_client.post(
        "/accounts/profile/", {"language": "ja", "user_id": "yamada_taro", "mfa_method": "email"}
    )

    assert response.url == "/accounts/profile/"


# --- First login and staff ---


def test_first_login_ends_with_the_chosen_methods_setup(client, household):
    user = factories.UserFactory(username="k000000777", person__household=household)
    EmailDevice.objects.filter(user=user).delete()
    user.mfa_method = "totp"
    user.save()
    client.force_login(user)

    assert client.get("/").url == "/mfa/setup/"
    assert client.get("/mfa/setup/").url == "/mfa/setup/totp/"
    assert client.get("/mfa/setup/totp/").status_code == 200  # no re-authentication yet


def test_first_email_setup_confirms_the_address(
    client, household, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(username="k000000778", person__household=household)
    EmailDevice.objects.filter(user=user).delete()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/mfa/setup/email/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)

    response = client.post("/mfa/setup/email/", {"code": code})

    assert response.url == "/mfa/backup/"
    assert EmailDevice.objects.get(user=user).confirmed
    backup = _html(client.get("/mfa/backup/"))
    assert "別の認証方法も登録しておくことをおすすめします。" in backup
    assert "あとで登録する" in backup


def test_staff_reset_sends_the_member_through_setup_again(client, insured, staff):
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    client.force_login(staff)
    phone = Client()
    factories.sign_in(phone, "yamada_taro")

    client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factors", "_selected_action": [insured.pk]},
    )

    assert not services.has_second_factor(insured)
    assert SecurityEvent.objects.filter(user=insured, kind="mfa_reset", actor=staff).exists()
    assert ">ログイン</a>" in _html(phone.get("/"))  # signed out everywhere
    again = Client()
    _password(again)
    assert again.get("/").url == "/mfa/setup/"


def test_staff_who_may_only_view_accounts_cannot_reset_second_factors(client, insured, staff):
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(staff)

    client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factors", "_selected_action": [insured.pk]},
    )

    assert services.has_second_factor(insured)
    assert not SecurityEvent.objects.filter(user=insured, kind="mfa_reset").exists()
