"""Steps the browser tests share, walked by visible labels as a member would."""

import re

from django.core import mail
from playwright.sync_api import expect


def sign_in(page, user_id, password):
    """From the top page's 「ログイン」: the user ID and password (the second factor follows)."""
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="ログイン").first.click()
    page.get_by_label("ユーザID").fill(user_id)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_role("button", name="ログイン").click()


def latest_code(address):
    """The one-time password of the newest mail to `address` in the outbox."""
    [*_, message] = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def sign_in_with_email_code(page, user_id, password, address):
    sign_in(page, user_id, password)
    expect(page.get_by_text("受信したワンタイムパスワードを入力してください。")).to_be_visible()
    page.get_by_label("ワンタイムパスワード").fill(latest_code(address))
    page.get_by_role("button", name="トップページへ").click()
