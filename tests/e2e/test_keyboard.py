"""Keyboard only, on a phone: sign in (ID, password, e-mailed code), open the ≡ menu, reach
医療費情報, open a 年度 of 「過去」 and download the month's PDF — with Tab, Enter and Space
alone. After every key the focused control shows its focus ring and is not hidden behind
anything; the idle warning (the one modal of the shell) keeps focus inside and gives it back."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import demo as account_demo
from tests.e2e.steps import latest_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element, its focus ring and whether anything covers its centre.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {lost: true};
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  return {
    lost: false,
    text: (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "").trim(),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    covered: !(hit && (hit === el || el.contains(hit) || hit.contains(el)
      || (el.labels && [...el.labels].some((label) => label.contains(hit))))),
  };
}"""


def assert_focus_shown(page):
    focus = page.evaluate(FOCUS)
    assert not focus["lost"], "focus fell back to the page"
    assert focus["ring"], f"no focus ring on 「{focus['text']}」"
    assert focus["inView"] and not focus["covered"], f"「{focus['text']}」 is hidden"


def tab_to(page, target, *, limit=60, key="Tab"):
    """Presses Tab until `target` has focus, checking the focus ring at every stop."""
    for _ in range(limit):
        page.keyboard.press(key)
        assert_focus_shown(page)
        if target.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {key}")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_reaches_the_medical_pdf_with_the_keyboard_alone(page, demo_portal):
    page.goto(page.base_url + "/")
    tab_to(page, page.get_by_role("link", name="ログイン").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    tab_to(page, page.get_by_label("ユーザID"))
    page.keyboard.type("yamada_taro")
    tab_to(page, page.get_by_label("パスワード", exact=True))
    page.keyboard.type(account_demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("受信したワンタイムパスワードを入力してください。")).to_be_visible()
    # The code sent is announced.
    expect(page.get_by_role("status").filter(has_text="送信しました")).to_have_count(1)
    tab_to(page, page.get_by_label("ワンタイムパスワード"))
    page.keyboard.type(latest_code("yamada.taro@example.jp"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="サービスメニュー")).to_be_visible()

    menu_button = page.get_by_role("button", name="メニュー")
    expect(menu_button).to_be_visible()
    tab_to(page, menu_button)
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    menu = page.get_by_role("navigation", name="サービスメニュー")
    expect(menu.get_by_role("link", name="トップページ")).to_be_focused()
    # Escape closes the menu and gives focus back to ≡; Space opens it again.
    page.keyboard.press("Escape")
    expect(menu_button).to_be_focused()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Space")
    tab_to(page, menu.get_by_role("link", name="医療費情報"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="医療費情報", level=1)).to_be_visible()
    tab_to(page, page.get_by_role("link", name="過去"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/medical/past/$"))
    year = page.locator("summary").filter(has_text="2024年度")
    tab_to(page, year)
    page.keyboard.press("Enter")
    expect(page.locator("details").filter(has=year)).to_have_attribute("open", "")
    tab_to(page, page.locator('a[href="/medical/2025/3/"]'))
    page.keyboard.press("Enter")
    expect(page.get_by_text("2025年3月の医療費明細")).to_be_visible()

    tab_to(page, page.get_by_role("button", name="医療費明細 (PDF)"))
    page.keyboard.press("Enter")
    ready = page.get_by_role("status").filter(has_text="PDFのダウンロードの準備ができました。")
    expect(ready).to_be_visible()
    download_link = page.get_by_role("link", name=re.compile("ダウンロード"))
    tab_to(page, download_link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert "パドコ歯科" in PdfReader(download.value.path()).pages[0].extract_text()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_idle_warning_keeps_and_returns_focus(page, demo_portal):
    from tests.e2e.steps import sign_in_with_email_code

    page.clock.install()
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.goto(page.base_url + "/medical/")
    link = page.get_by_role("link", name="過去")
    tab_to(page, link)

    page.clock.run_for(29 * 60 * 1000)  # the demo union signs out after 30 idle minutes
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    keep = dialog.get_by_role("button", name="ログインを続ける")
    expect(keep).to_be_focused()
    for key in ("Tab", "Shift+Tab", "Tab"):
        page.keyboard.press(key)
        expect(keep).to_be_focused()  # focus stays in the dialog
        assert_focus_shown(page)
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(link).to_be_focused()  # back where the member was
