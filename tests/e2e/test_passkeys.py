"""生体認証 in a real browser: Chromium's virtual authenticator (a phone's face or fingerprint
sensor, user verified) registers a passkey during the first login, and the member then logs
in with the password and the passkey."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts import demo as account_demo
from accounts.models import User
from mfa.models import PasskeyDevice
from tests.e2e.steps import latest_code, sign_in, sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_USER_ID = "suzuki.makoto"
NEW_PASSWORD = "Makoto-2026-new"


def _add_virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _walk_first_login_choosing_biometrics(page):
    """ACC-2 up to the password, choosing 生体認証 at 「認証方法」."""
    sign_in(page, account_demo.FRESH_USER_ID, account_demo.FRESH_PASSWORD)

    expect(page.get_by_role("heading", name="本人確認")).to_be_visible()
    page.get_by_label("生年月日").fill("19601201")
    page.get_by_role("button", name="実行").click()

    expect(page.get_by_role("heading", name="KOSMO Web 利用規約")).to_be_visible()
    page.get_by_role("button", name="同意する").click()

    expect(page.get_by_role("heading", name="メールアドレスの更新")).to_be_visible()
    page.get_by_role("button", name="実行").click()
    [message] = [m for m in mail.outbox if m.to == ["suzuki.makoto@example.jp"]]
    link = re.search(
        r'href="(http://[^"]+/accounts/confirm-email/[^"]+)"', message.alternatives[0][0]
    ).group(1)
    mail_tab = page.context.new_page()
    mail_tab.goto(link)
    expect(mail_tab.get_by_text("元の画面に戻り、ページを更新してください。")).to_be_visible()
    mail_tab.close()
    page.get_by_role("link", name="更新").click()

    expect(page.get_by_role("heading", name="ユーザIDの変更・認証方法の設定")).to_be_visible()
    page.get_by_label("ユーザID").fill(NEW_USER_ID)
    page.get_by_label("生体認証").check()
    page.get_by_role("button", name="実行").click()

    expect(page.get_by_role("heading", name="パスワードの更新")).to_be_visible()
    page.get_by_label("パスワード", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("パスワード確認用").fill(NEW_PASSWORD)
    page.get_by_role("button", name="送信").click()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_first_login_registers_a_passkey_and_the_member_logs_in_with_it(page, demo_portal):
    cdp, authenticator_id = _add_virtual_authenticator(page)
    _walk_first_login_choosing_biometrics(page)

    # 「セキュリティキーの登録」: 「登録」 → the device's biometric prompt → 「認証ラベルの登録」
    expect(page.get_by_role("heading", name="セキュリティの設定")).to_be_visible()
    expect(
        page.get_by_text("お使いのブラウザでは生体認証 (パスキー) を登録できません。")
    ).to_be_hidden()
    page.get_by_role("button", name="登録").click()

    expect(page.get_by_role("heading", name="認証ラベルの登録")).to_be_visible()
    expect(page.get_by_label("パスキー")).to_have_value("パスキー")
    page.get_by_label("パスキー").fill("鈴木のスマートフォン")
    page.get_by_role("button", name="OK").click()

    expect(page.get_by_role("heading", name="二要素認証を設定しました")).to_be_visible()
    page.get_by_role("link", name="あとで登録する").click()
    expect(page.get_by_role("link", name="鈴木 誠")).to_be_visible()

    device = PasskeyDevice.objects.get(user__username=NEW_USER_ID)
    assert device.name == "鈴木のスマートフォン"
    assert device.confirmed
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert credential["isResidentCredential"]

    _log_out_and_in_with_passkey(page)
    device.refresh_from_db()
    assert device.sign_count >= 1
    assert device.last_used_at is not None


def _log_out_and_in_with_passkey(page, *, before_next=None):
    """Log out, then 「ログイン」 with the new password and 「次へ」 for the passkey."""
    page.get_by_role("link", name="鈴木 誠").click()
    page.get_by_role("button", name="ログアウトする").click()
    sign_in(page, NEW_USER_ID, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="生体認証")).to_be_visible()
    if before_next is not None:
        before_next()
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_role("link", name="鈴木 誠")).to_be_visible()
    assert page.url.rstrip("/") == page.base_url


# Browsers without the WebAuthn JSON helpers (older Safari and Firefox) take passkeys.js's own
# conversions.
WITHOUT_JSON_HELPERS = """
delete PublicKeyCredential.parseCreationOptionsFromJSON;
delete PublicKeyCredential.parseRequestOptionsFromJSON;
delete PublicKeyCredential.prototype.toJSON;
"""


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_failed_biometrics_show_the_manual_messages_and_retry_succeeds(page, demo_portal):
    page.add_init_script(WITHOUT_JSON_HELPERS)
    _walk_first_login_choosing_biometrics(page)
    expect(page.get_by_role("heading", name="セキュリティの設定")).to_be_visible()
    assert page.evaluate("typeof PublicKeyCredential.prototype.toJSON") == "undefined"

    # The face or fingerprint is not recognised: the browser's ceremony fails.
    cdp, authenticator_id = _add_virtual_authenticator(page)

    def verified(yes):
        cdp.send(
            "WebAuthn.setUserVerified", {"authenticatorId": authenticator_id, "isUserVerified": yes}
        )

    verified(False)
    page.get_by_role("button", name="登録").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("セキュリティキーの登録が無効です")
    assert not PasskeyDevice.objects.exists()

    verified(True)
    alert.get_by_role("button", name="再試行").click()
    expect(page.get_by_role("heading", name="認証ラベルの登録")).to_be_visible()
    page.get_by_label("パスキー").fill("会社のPC")
    page.get_by_role("button", name="OK").click()
    page.get_by_role("link", name="あとで登録する").click()

    def fail_once():
        verified(False)
        page.get_by_role("button", name="次へ").click()
        expect(page.get_by_role("alert")).to_have_text(
            "生体認証に失敗しました。もう一度お試しください。"
        )
        verified(True)

    _log_out_and_in_with_passkey(page, before_next=fail_once)
    assert PasskeyDevice.objects.get(name="会社のPC").sign_count >= 1


# --- FAQ Q16: a passkey that cannot be registered is no dead end --------------------------------

SWITCH_TO_EMAIL = "ワンタイムパスワード (OTP) メール認証に変更する"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_fresh_member_whose_passkey_fails_switches_to_email_codes_and_finishes(page, demo_hosts):
    page.base_url = demo_hosts["kosmo"]
    _walk_first_login_choosing_biometrics(page)

    expect(page.get_by_role("heading", name="セキュリティの設定")).to_be_visible()
    # A browser with WebAuthn hides the 'unsupported' notice, not the other methods.
    expect(
        page.get_by_role("region", name="他の認証方法").get_by_role("button", name=SWITCH_TO_EMAIL)
    ).to_be_visible()

    # The member cancels the device's prompt (the authenticator refuses: no user verification).
    cdp, authenticator_id = _add_virtual_authenticator(page)
    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator_id, "isUserVerified": False}
    )
    page.get_by_role("button", name="登録", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("セキュリティキーの登録が無効です")
    expect(alert.get_by_role("button", name="再試行")).to_be_visible()
    alert.get_by_role("button", name=SWITCH_TO_EMAIL).click()

    expect(
        page.get_by_role("heading", name="ワンタイムパスワード (OTP) メール認証")
    ).to_be_visible()
    page.get_by_label("ワンタイムパスワード").fill(latest_code("suzuki.makoto@example.jp"))
    page.get_by_role("button", name="実行").click()

    expect(page.get_by_text("初回ログインの設定が完了しました。")).to_be_visible()
    page.get_by_role("link", name="あとで登録する").click()
    expect(page.get_by_role("link", name="鈴木 誠")).to_be_visible()
    assert page.url == demo_hosts["kosmo"] + "/"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    member = User.objects.get(username=NEW_USER_ID)
    assert (member.mfa_method, member.is_temporary_id) == ("email", False)
    assert not PasskeyDevice.objects.filter(user=member).exists()


# --- Every demo union on a host name a browser accepts as relying party -------------------------


@pytest.mark.parametrize(
    "slug, user_id, name",
    [("kosmo", "yamada_taro", "山田 太郎"), ("sakura", "tanaka_ichiro", "田中 一郎")],
)
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_passkey_registers_and_signs_in_on_each_demo_union(page, demo_hosts, slug, user_id, name):
    page.base_url = demo_hosts[slug]
    address = f"{user_id.replace('_', '.')}@example.jp"
    cdp, authenticator_id = _add_virtual_authenticator(page)
    sign_in_with_email_code(page, user_id, account_demo.DEMO_PASSWORD, address)
    expect(page.get_by_role("link", name=name)).to_be_visible()

    page.get_by_role("button", name="メニュー").click()
    page.get_by_role("link", name="ログイン方法変更").click()
    page.locator(".method-row", has_text="生体認証は未設定").get_by_role(
        "link", name="設定"
    ).click()
    expect(page.get_by_role("heading", name="続行するには再度認証してください")).to_be_visible()
    page.get_by_label("パスワード", exact=True).fill(account_demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("ワンタイムパスワード").fill(latest_code(address))
    page.get_by_role("button", name="トップページへ").click()

    expect(page.get_by_role("heading", name="セキュリティの設定")).to_be_visible()
    page.get_by_role("button", name="登録", exact=True).click()
    expect(page.get_by_role("heading", name="認証ラベルの登録")).to_be_visible()
    page.get_by_label("パスキー").fill("わたしのスマホ")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_text("わたしのスマホ")).to_be_visible()
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert credential["rpId"] == f"{slug}.localhost"

    page.get_by_role("link", name=name).click()
    page.get_by_role("button", name="ログアウトする").click()
    sign_in(page, user_id, account_demo.DEMO_PASSWORD)
    page.get_by_role("link", name="生体認証", exact=True).click()
    expect(page.get_by_role("heading", name="生体認証")).to_be_visible()
    page.get_by_role("button", name="次へ").click()

    expect(page.get_by_role("link", name=name)).to_be_visible()
    assert page.url == demo_hosts[slug] + "/"
    assert PasskeyDevice.objects.get(user__username=user_id, name="わたしのスマホ").sign_count >= 1
