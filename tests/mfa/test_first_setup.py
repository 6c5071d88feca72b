"""The first login's second-factor step (manual §2-1, §2-3, §2-4, FAQ Q16): a member who chose
生体認証 and cannot register a passkey switches to an authenticator app or e-mail codes, and
every setup page has a way back."""

import re
import time

import pytest
from django.core import mail
from django_otp.plugins.otp_email.models import EmailDevice

from accounts import flows as account_flows
from accounts.models import MfaMethod, User
from mfa import services
from tests import factories

APP = "ワンタイムパスワード (OTP) アプリ認証に変更する"
EMAIL = "ワンタイムパスワード (OTP) メール認証に変更する"


def _html(response):
    return response.content.decode()


def _element(html, marker):
    """The element whose opening tag carries `marker` (up to its closing tag)."""
    start = html.index(marker)
    tag = re.search(r"<(\w+)", html[html.rindex("<", 0, start) :]).group(1)
    end = html.index(f"</{tag}>", start)
    return html[start:end]


@pytest.fixture
def at_second_factor_step(client, household):
    """Every first-login step done up to the password; 生体認証 chosen, no factor yet."""
    user = factories.UserFactory(
        username="k000000901", person__household=household, mfa_method=MfaMethod.PASSKEY
    )
    EmailDevice.objects.filter(user=user).delete()
    client.force_login(user)
    return user


def test_passkey_setup_offers_the_app_and_email_codes_whatever_the_browser(
    client, at_second_factor_step
):
    html = _html(client.get("/mfa/setup/passkey/"))

    others = _element(html, 'aria-labelledby="other-methods"')
    assert "他の認証方法" in others
    assert APP in others and EMAIL in others
    # Not inside the notice passkeys.js hides when the browser supports WebAuthn.
    assert APP not in _element(html, "data-passkey-unsupported")


def test_a_failed_registration_offers_the_other_methods_beside_retry(client, at_second_factor_step):
    html = _html(client.get("/mfa/setup/passkey/"))

    failure = _element(html, "data-passkey-error")
    assert "セキュリティキーの登録が無効です" in failure
    assert "再試行" in failure
    assert "生体認証を登録できない場合は、他の認証方法を設定してください。" in failure
    assert APP in failure and EMAIL in failure


def test_switching_to_email_codes_changes_the_chosen_method_and_the_login_resumes_there(
    client, at_second_factor_step, django_capture_on_commit_callbacks
):
    response = client.post("/mfa/setup/choose/", {"method": "email"})

    assert response.url == "/mfa/setup/email/"
    at_second_factor_step.refresh_from_db()
    assert at_second_factor_step.mfa_method == MfaMethod.EMAIL
    # Logging in again (or going back) leads to the new method, not to the passkey page.
    client.logout()
    factories.sign_in(client, "k000000901")
    assert client.get("/").url == "/mfa/setup/"
    assert client.get("/mfa/setup/").url == "/mfa/setup/email/"

    with django_capture_on_commit_callbacks(execute=True):
        client.get("/mfa/setup/email/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post("/mfa/setup/email/", {"code": code}).url == "/mfa/backup/"
    assert client.get("/mfa/backup/").status_code == 200  # the first login is complete
    assert not User.objects.get(pk=at_second_factor_step.pk).is_temporary_id


def test_the_first_factor_becomes_the_chosen_method_however_the_member_got_there(
    client, at_second_factor_step, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/mfa/setup/email/")  # straight to the page, without the choice
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)

    client.post("/mfa/setup/email/", {"code": code})

    at_second_factor_step.refresh_from_db()
    assert at_second_factor_step.mfa_method == MfaMethod.EMAIL


def test_the_method_choice_shows_the_manuals_choices_with_the_current_one_checked(
    client, at_second_factor_step
):
    html = _html(client.get("/mfa/setup/choose/"))

    assert "認証方法の設定" in html
    assert "認証方式は下記のいずれかを選択ください。" in html
    for label in [
        "生体認証",
        "ワンタイムパスワード (OTP) アプリ認証",
        "ワンタイムパスワード (OTP) メール認証",
    ]:
        assert label in html
    assert re.search(r'<input type="radio" name="method" value="passkey"[^>]*checked', html)
    assert "実行" in html


def test_the_method_choice_needs_a_method(client, at_second_factor_step):
    html = _html(client.post("/mfa/setup/choose/", {"method": "sms"}))

    assert "認証方法を選択してください。" in html
    at_second_factor_step.refresh_from_db()
    assert at_second_factor_step.mfa_method == MfaMethod.PASSKEY


def test_once_a_factor_exists_methods_are_added_from_the_login_methods_page(member_client, insured):
    response = member_client.post("/mfa/setup/choose/", {"method": "totp"})

    assert response.url == "/accounts/login-methods/"
    insured.refresh_from_db()
    assert insured.mfa_method == MfaMethod.EMAIL


def test_the_method_choice_is_part_of_the_first_login_step(client, household):
    user = factories.IssuedUserFactory(person__household=household)
    client.force_login(user)

    # Earlier steps pending: the choice is not open yet.
    assert client.get("/mfa/setup/choose/").url == "/accounts/first-login/identity/"


def test_email_codes_are_offered_only_with_an_address_and_once(union):
    with_address = factories.UserFactory(person__household__union=union)
    without = factories.UserFactory(person__household__union=union, email="")
    EmailDevice.objects.filter(user=with_address).delete()

    assert [m for m, _ in services.addable_methods(with_address)] == ["passkey", "totp", "email"]
    assert [m for m, _ in services.addable_methods(without)] == ["passkey", "totp"]
    EmailDevice.objects.create(user=with_address, name="メール", confirmed=True)
    assert [m for m, _ in services.addable_methods(with_address)] == ["passkey", "totp"]


# --- 「戻る」: manual §3-6 (4) 5., 「ワンタイムパスワードの設定」 ends with 「実行」「戻る」 ---


def test_totp_setup_goes_back_to_the_method_choice_during_the_first_login(
    client, at_second_factor_step
):
    html = _html(client.get("/mfa/setup/totp/"))

    assert re.search(r'<a class="button" href="/mfa/setup/choose/">戻る</a>', html)
    assert EMAIL in html  # and the other methods are offered there too


def test_totp_setup_goes_back_to_the_login_methods_page_later(member_client, insured):
    session = member_client.session
    session[account_flows.REAUTHENTICATED_AT] = time.time()
    session.save()
    html = _html(member_client.get("/mfa/setup/totp/"))

    assert re.search(r'<a class="button" href="/accounts/login-methods/">戻る</a>', html)
    assert "実行" in html
    assert EMAIL not in html  # no switching once a factor exists


def test_passkey_setup_goes_back_during_the_first_login_too(client, at_second_factor_step):
    html = _html(client.get("/mfa/setup/passkey/"))

    assert '<a href="/mfa/setup/choose/">戻る</a>' in html
