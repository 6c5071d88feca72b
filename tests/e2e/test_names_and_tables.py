"""On a phone (390 px) and a desktop: the union's name in the header and persons' names in
tables are never split mid-word, and the security log is readable without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from kosmo.models import Person, Union
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each occurrence of each name on the page whose characters lie on more than one line.
SPLIT_NAMES = """(names) => {
  const split = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const name of names) {
      for (let at = node.data.indexOf(name); at >= 0; at = node.data.indexOf(name, at + 1)) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + name.length);
        const lines = new Set(
          [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))
        );
        if (lines.size > 1) split.push(`${name} (${node.parentElement.className})`);
      }
    }
  }
  return split;
}"""


def _names(username_household):
    persons = Person.objects.filter(household__persons__account__username=username_household)
    return [person.full_name for person in persons] + [Union.objects.get(slug="kosmo").name]


def test_names_stay_whole_in_the_header_and_in_tables(page, viewport, demo_portal):
    names = _names("sato_ken")
    assert "佐藤 美咲" in names and "コスモ健康保険組合" in names
    sign_in_with_email_code(page, "sato_ken", account_demo.DEMO_PASSWORD, "sato.ken@example.jp")

    for path, shown in [
        ("/", "サービスメニュー"),
        ("/eligibility/notice/", "佐藤 美咲"),
        ("/dependents/answer/", "佐藤 美咲"),
        ("/eligibility/certificate/", "佐藤 美咲"),
    ]:
        page.goto(page.base_url + path)
        expect(page.get_by_text(shown).first).to_be_visible()
        assert page.evaluate(SPLIT_NAMES, names) == [], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], path
    # The header's name is whole, not clipped: its box is as wide as its text.
    brand = page.locator(".brand__name")
    assert brand.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    expect(brand).to_have_text("コスモ健康保険組合")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_security_log_is_readable_on_a_phone(page, viewport, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.goto(page.base_url + "/accounts/security/")
    expect(page.get_by_role("heading", name="セキュリティ履歴")).to_be_visible()

    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    row = page.get_by_role("row").filter(has_text="ログイン成功").first
    for label in ("日時", "種類", "ブラウザ/OS", "IPアドレス", "結果"):
        cell = row.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, label
    expect(row.get_by_role("cell", name="結果 成功")).to_be_visible()  # named by its column
    region = page.get_by_role("region", name="セキュリティ履歴")
    assert region.evaluate("(e) => e.scrollWidth <= e.clientWidth")
