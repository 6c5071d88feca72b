"""MYポイント on a phone (manual §4-16 (1)-2): 「デジタルギフトと交換する」 → 「詳しく見る」 →
「この商品と交換する」 → re-authentication (MFA-9) → 「この内容で申し込む」 → 申込完了, and the
gift's code in MY mail."""

import re

import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import latest_code, sign_in_with_email_code
from wellness.points.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GIFT = "カフェ eGift 300円分"
ADDRESS = "yamada.taro@example.jp"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_exchanges_points_for_a_gift_and_finds_the_code_in_my_mail(page, demo_portal):
    sign_in_with_email_code(page, "yamada_taro", account_demo.DEMO_PASSWORD, ADDRESS)
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="MYポイント"
    ).click()
    expect(page.get_by_role("heading", name="MYポイント", exact=True)).to_be_visible()
    balance = int(page.locator(".points-balance strong").inner_text())

    page.get_by_role("link", name="デジタルギフトと交換する").click()
    page.get_by_role("listitem").filter(has_text=GIFT).get_by_role(
        "link", name="詳しく見る"
    ).click()
    expect(page.get_by_role("heading", name=GIFT)).to_be_visible()
    page.get_by_role("link", name="この商品と交換する").click()

    expect(page.get_by_role("heading", name="続行するには再度認証してください")).to_be_visible()
    page.get_by_label("パスワード", exact=True).fill(account_demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("ワンタイムパスワード").fill(latest_code(ADDRESS))
    page.get_by_role("button", name="トップページへ").click()

    expect(page.get_by_role("heading", name="申し込み内容の確認")).to_be_visible()
    page.get_by_role("button", name="この内容で申し込む").click()
    expect(page.get_by_role("heading", name="申込詳細")).to_be_visible()
    expect(page.get_by_text("デジタルギフトは、MYメール宛に届きます。")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    order = Order.objects.get(item__name=GIFT)
    page.get_by_role("link", name=re.compile(r"^MYメール")).first.click()
    page.get_by_role("link", name=re.compile(GIFT)).first.click()
    expect(page.get_by_text(order.gift_code.code)).to_be_visible()

    page.get_by_role("button", name="メニュー").click()
    page.get_by_role("navigation", name="サービスメニュー").get_by_role(
        "link", name="MYポイント"
    ).click()
    expect(page.locator(".points-balance strong")).to_have_text(str(balance - 300))
