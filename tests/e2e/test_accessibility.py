"""WCAG 2.2 AA on every page a visitor or member can reach in the demo (tests/e2e/pages.py):
axe-core's A and AA rules at 390×844 and 1280×900, no sideways scrolling outside data tables
at 320 px and at 200 % zoom, and each page's HTML + CSS + JS under 100 KB compressed with no
request to another origin. One seeded demo and one browser page per sign-in; each page is
loaded once and resized for each check."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts import demo as account_demo
from kosmo.features import FEATURES
from tests.e2e import pages
from tests.e2e.steps import latest_code, sign_in, sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_OUT = ["/", "/accounts/login/", "/accounts/password/reset/", "/accounts/forgot-user-id/"]
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def walk_page(browser, live_server):
    """One desktop-sized browser page (the walker resizes it for each check)."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _assert_clean(walk):
    assert walk.findings == [], "\n" + pages.report(walk)


def test_signed_out_pages_and_the_admin_login(walk_page, demo_portal):
    walk = pages.Walk()
    walker = pages.Walker(walk_page, walk)
    walker.crawl(SIGNED_OUT + [ADMIN_LOGIN] + pages.starting_urls())

    # The reset mail's link and the page after it.
    walk_page.goto(walk_page.base_url + "/accounts/password/reset/")
    walk_page.get_by_label("ユーザID").fill("yamada_taro")
    walk_page.get_by_role("button", name="実行").click()
    [*_, message] = [m for m in mail.outbox if m.to == ["yamada.taro@example.jp"]]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    walker.check(link.group(1))
    expect(walk_page.get_by_role("heading", name="パスワードの更新")).to_be_visible()

    assert {"/accounts/login/", "/accounts/password/reset/", "/accounts/forgot-user-id/"} <= set(
        walk.checked
    )
    assert {"notices:guide", "notices:faq"} <= walk.reached_names  # help, signed out
    _assert_clean(walk)


def test_first_login_steps(walk_page, demo_portal):
    walk = pages.Walk()
    walker = pages.Walker(walk_page, walk)
    page = walk_page
    sign_in(page, account_demo.FRESH_USER_ID, account_demo.FRESH_PASSWORD)
    expect(page.get_by_role("heading", name="本人確認")).to_be_visible()
    walker.check_here()
    page.get_by_role("button", name="実行").click()  # empty: the errors are checked too
    walker.check_here("/accounts/first-login/identity/ (errors)")
    page.get_by_label("生年月日").fill("19601201")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_role("heading", name="KOSMO Web 利用規約")).to_be_visible()
    walker.check_here()
    page.get_by_role("button", name="同意する").click()
    expect(page.get_by_role("heading", name="メールアドレスの更新")).to_be_visible()
    walker.check_here()
    page.get_by_role("button", name="実行").click()
    walker.check_here("/accounts/first-login/email/ (sent)")
    [message] = [m for m in mail.outbox if m.to == ["suzuki.makoto@example.jp"]]
    link = re.search(
        r'href="https?://[^/"]+(/accounts/confirm-email/[^"]+)"', message.alternatives[0][0]
    )
    walker.check(link.group(1))
    page.goto(page.base_url + "/accounts/first-login/email/")  # confirmed: on to the next step
    expect(page.get_by_role("heading", name="ユーザIDの変更・認証方法の設定")).to_be_visible()
    walker.check_here()
    page.get_by_label("ユーザID").fill("Suzuki.Makoto")
    page.get_by_label("ワンタイムパスワード (OTP) メール認証").check()
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_role("heading", name="パスワードの更新")).to_be_visible()
    walker.check_here()
    page.get_by_label("パスワード", exact=True).fill("Makoto-2026-new")
    page.get_by_label("パスワード確認用").fill("Makoto-2026-new")
    page.get_by_role("button", name="送信").click()
    expect(
        page.get_by_role("heading", name="ワンタイムパスワード (OTP) メール認証")
    ).to_be_visible()
    walker.check_here()
    page.get_by_label("ワンタイムパスワード").fill(latest_code("suzuki.makoto@example.jp"))
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("初回ログインの設定が完了しました。")).to_be_visible()
    walker.check_here()
    assert len(walk.checked) == 10
    _assert_clean(walk)


def _member_walk(page, user_id, address):
    walk = pages.Walk()
    walker = pages.Walker(page, walk)
    sign_in_with_email_code(page, user_id, account_demo.DEMO_PASSWORD, address)
    walker.crawl(pages.starting_urls())
    # The survey's answer pages open after its pledge.
    page.goto(page.base_url + reverse("dependents:index"))
    pledge = page.get_by_role("button", name="誓約する")
    if pledge.count():
        pledge.click()
        page.goto(page.base_url + reverse("dependents:insured"))
        page.get_by_role("button", name="確認しました").click()
        walker.again([reverse("dependents:index"), reverse("dependents:answer")])
    # A PDF being made and ready (the page the 「…(PDF)」 buttons lead to).
    page.goto(page.base_url + reverse("medical:annual"))
    page.get_by_role("button", name="医療費明細 (PDF)").click()
    expect(page.get_by_text("PDFのダウンロードの準備ができました。")).to_be_visible()
    walker.check_here()
    walk.reached_names.add("document_status")
    return walk


def _not_reached(walk):
    handled = walk.reached_names | walk.form_targets | set(pages.NOT_A_PAGE) | set(pages.LEFT_OUT)
    return [name for name in pages.names_with_arguments() if name not in handled]


def test_every_page_of_the_rich_union(walk_page, demo_portal):
    walk = _member_walk(walk_page, "yamada_taro", "yamada.taro@example.jp")

    menu = {f.url_name for f in FEATURES if f.url() is not None}
    missing_menu = {name for name in menu if name not in walk.reached_names}
    assert missing_menu == set(), "menu pages not reached"
    print("heaviest:", pages.heaviest(walk))
    _assert_clean(walk)
    not_reached = _not_reached(walk)
    assert not_reached == [], f"pages neither reached nor named with a reason: {not_reached}"


def test_every_page_of_the_standard_union(walk_page, demo_hosts):
    walk_page.base_url = demo_hosts["sakura"]
    walk = _member_walk(walk_page, "tanaka_ichiro", "tanaka.ichiro@example.jp")

    assert {"medical:index", "medical:annual", "checkup:index"} <= walk.reached_names
    print("heaviest:", pages.heaviest(walk))
    _assert_clean(walk)


# The column and row headers of a cell, as a screen reader announces them with it.
HEADERS_OF = """(cell) => {
  const row = cell.closest("tr");
  const table = cell.closest("table");
  const column = [...row.children].indexOf(cell);
  const head = table.querySelector("thead tr:last-child").children[column];
  const rowHeader = row.querySelector("th[scope=row]");
  return [head && head.getAttribute("scope"), head && head.innerText.trim(),
          rowHeader && rowHeader.innerText.trim()];
}"""


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_screen_readers_hear_out_of_range_values_charts_and_saved_settings(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.goto(page.base_url + reverse("checkup:index"))
    # Out of range says so in words (the red and ▲/▼ are not read), tied to its headers.
    out = page.get_by_role("cell", name=re.compile("（基準値より(高い|低い)）"))
    expect(out.first).to_be_visible()
    scope, exam, item = out.first.evaluate(HEADERS_OF)
    assert scope == "col" and re.match(r"\d{4}年", exam) and item, (exam, item)

    # The chart: an image named in Japanese, its numbers in the table below it.
    page.get_by_role("region", name="健診結果一覧表").get_by_role("link").first.click()
    chart = page.get_by_role("img", name=re.compile("の推移（数値は下の表をご覧ください）"))
    expect(chart).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("の経年の結果"))).to_be_visible()

    # Saved: announced as a status.
    page.goto(page.base_url + reverse("notices:email_settings"))
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status")).to_have_text("Eメール通知設定を保存しました。")
