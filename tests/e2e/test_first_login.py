"""A freshly issued member walks the whole first login on a phone; a member logs out."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import latest_code, sign_in, sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_fresh_account_walks_the_whole_first_login(page, demo_portal):
    sign_in(page, account_demo.FRESH_USER_ID, account_demo.FRESH_PASSWORD)

    expect(page.get_by_role("heading", name="本人確認")).to_be_visible()
    page.get_by_label("生年月日").fill("1960/12/02")
    page.get_by_role("button", name="実行").click()
    expect(
        page.get_by_text("生年月日が一致しません。ご登録の生年月日を入力してください。").first
    ).to_be_visible()
    page.get_by_label("生年月日").fill("19601201")
    page.get_by_role("button", name="実行").click()

    expect(page.get_by_role("heading", name="KOSMO Web 利用規約")).to_be_visible()
    page.get_by_role("button", name="同意する").click()

    expect(page.get_by_role("heading", name="メールアドレスの更新")).to_be_visible()
    expect(page.get_by_label("メールアドレス")).to_have_value("suzuki.makoto@example.jp")
    page.get_by_label("メールアドレス").fill("makoto.suzuki@example.jp")
    page.get_by_role("button", name="実行").click()
    expect(
        page.get_by_text("makoto.suzuki@example.jp に確認メールを送信しました。", exact=False)
    ).to_be_visible()

    [message] = [m for m in mail.outbox if m.to == ["makoto.suzuki@example.jp"]]
    html = message.alternatives[0][0]
    link = re.search(r'href="(http://[^"]+/accounts/confirm-email/[^"]+)"', html).group(1)
    mail_tab = page.context.new_page()
    mail_tab.goto(link)
    expect(mail_tab.get_by_text("元の画面に戻り、ページを更新してください。")).to_be_visible()
    mail_tab.close()

    page.get_by_role("link", name="更新").click()
    expect(page.get_by_role("heading", name="ユーザIDの変更・認証方法の設定")).to_be_visible()
    page.get_by_text("利用不可文字一覧を見る").click()
    expect(page.get_by_text("以下の文字はユーザIDに利用できません：")).to_be_visible()
    page.get_by_label("ユーザID").fill("Suzuki.Makoto")
    page.get_by_label("ワンタイムパスワード (OTP) メール認証").check()
    page.get_by_role("button", name="実行").click()

    expect(page.get_by_role("heading", name="パスワードの更新")).to_be_visible()
    page.get_by_label("パスワード", exact=True).fill("Makoto-2026-new")
    page.get_by_label("パスワード確認用").fill("Makoto-2026-new")
    page.get_by_role("button", name="送信").click()

    # The chosen 認証方法: the e-mailed code proves the address receives them.
    expect(
        page.get_by_role("heading", name="ワンタイムパスワード (OTP) メール認証")
    ).to_be_visible()
    page.get_by_label("ワンタイムパスワード").fill(latest_code("makoto.suzuki@example.jp"))
    page.get_by_role("button", name="実行").click()

    expect(page.get_by_text("初回ログインの設定が完了しました。")).to_be_visible()
    expect(page.get_by_text("別の認証方法も登録しておくことをおすすめします。")).to_be_visible()
    page.get_by_role("link", name="あとで登録する").click()
    expect(page.get_by_role("link", name="鈴木 誠")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_member_logs_out_through_the_confirmation(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )

    page.get_by_role("link", name="山田 太郎").click()
    expect(page.get_by_text("ログアウトしてもよろしいですか？")).to_be_visible()
    page.get_by_role("button", name="ログアウトする").click()

    # 「トップ画面の右上が「ログイン」と表示されていることを確認」
    top_right = page.get_by_role("navigation", name="ユーザーメニュー")
    expect(top_right.get_by_role("link", name="ログイン")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_idle_warning_offers_to_stay_signed_in(page, demo_portal):
    page.clock.install()
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    expect(page.get_by_role("link", name="山田 太郎")).to_be_visible()

    page.wait_for_load_state("load")  # portal.js has set its timers

    page.clock.run_for("28:30")  # the union's timeout is 30 minutes; warned at 28

    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("まもなく自動的にログアウトします。")
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/keepalive/")) as kept:
        warning.get_by_role("button", name="ログインを続ける").click()
    assert kept.value.status == 204
    expect(warning).to_be_hidden()
