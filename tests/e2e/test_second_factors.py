"""A member adds an authenticator app by reading the key off the page, and logs in with it."""

import pyotp
import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import latest_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password(page):
    sign_in(page, "yamada_taro", account_demo.DEMO_PASSWORD)


def test_member_logs_in_with_an_emailed_code(page, demo_portal):
    _password(page)

    expect(
        page.get_by_role("heading", name="ワンタイムパスワード (OTP) メール認証")
    ).to_be_visible()
    page.get_by_label("ワンタイムパスワード").fill("000000")
    page.get_by_role("button", name="トップページへ").click()
    expect(page.get_by_text("ワンタイムパスワードが正しくありません").first).to_be_visible()
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second after a wrong code
    page.get_by_label("ワンタイムパスワード").fill(latest_code("yamada.taro@example.jp"))
    page.get_by_role("button", name="トップページへ").click()

    expect(page.get_by_role("link", name="山田 太郎")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_adds_an_authenticator_app_and_logs_in_with_it(page, demo_portal):
    _password(page)
    page.get_by_label("ワンタイムパスワード").fill(latest_code("yamada.taro@example.jp"))
    page.get_by_role("button", name="トップページへ").click()

    page.get_by_role("button", name="メニュー").click()
    page.get_by_role("link", name="ログイン方法変更").click()
    expect(page.get_by_text("生体認証は未設定")).to_be_visible()
    page.get_by_role("link", name="設定").first.click()

    # MFA-9: password, then the second factor, then back to the setup page.
    expect(page.get_by_role("heading", name="続行するには再度認証してください")).to_be_visible()
    page.get_by_label("パスワード", exact=True).fill(account_demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("ワンタイムパスワード").fill(latest_code("yamada.taro@example.jp"))
    page.get_by_role("button", name="トップページへ").click()

    expect(page.get_by_role("heading", name="ワンタイムパスワードの設定")).to_be_visible()
    expect(page.get_by_role("img", name="ワンタイムパスワード設定用のQRコード")).to_be_visible()
    page.get_by_text("スキャンできませんか?").click()
    key = page.get_by_test_id("totp-key").inner_text()
    app = pyotp.TOTP(key.lower())
    page.get_by_label("ワンタイムパスワード").fill(app.now())
    page.get_by_label("デバイス名").fill("わたしのiPhone")
    page.get_by_role("button", name="実行").click()

    expect(page.get_by_text("わたしのiPhone")).to_be_visible()
    page.get_by_role("link", name="山田 太郎").click()
    page.get_by_role("button", name="ログアウトする").click()

    _password(page)
    page.get_by_role("link", name="ワンタイムパスワード (OTP) アプリ認証").click()
    page.get_by_label("ワンタイムパスワード").fill(app.at(__import__("time").time() + 30))
    page.get_by_role("button", name="トップページへ").click()
    expect(page.get_by_role("link", name="山田 太郎")).to_be_visible()
