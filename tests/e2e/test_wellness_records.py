"""日々の記録 on a phone: the demo member records today's steps in the modal (「<」 moves a day
back and 「>」 forward again) and finds them in the week's chart and its table."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_records_todays_steps_in_the_modal_and_sees_them_in_the_chart(page, demo_portal):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="日々の記録"
    ).click()
    expect(page.get_by_role("heading", name="日々の記録", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="今日の歩数")).to_be_visible()

    page.get_by_role("link", name="歩数を記録する").click()
    dialog = page.locator("dialog#records-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="歩数を記録する")).to_be_visible()
    expect(dialog.get_by_text(f"{today.year}年{today.month}月{today.day}日")).to_be_visible()
    dialog.get_by_role("link", name="前の日").click()
    expect(
        dialog.get_by_text(f"{yesterday.year}年{yesterday.month}月{yesterday.day}日")
    ).to_be_visible()
    dialog.get_by_role("link", name="次の日").click()
    expect(dialog.get_by_text(f"{today.year}年{today.month}月{today.day}日")).to_be_visible()
    expect(dialog.get_by_role("link", name="次の日")).to_have_count(0)  # no future dates

    dialog.get_by_label("歩数 (歩)").fill("12345")
    dialog.get_by_role("button", name="保存する").click()

    expect(page.get_by_text(f"{today:%Y/%m/%d}の歩数を記録しました。")).to_be_visible()
    expect(page.locator(".records-today__steps")).to_contain_text("12,345")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="歩数の詳細").click()
    expect(page.get_by_role("heading", name="歩数", exact=True)).to_be_visible()
    chart = page.get_by_role("img", name="歩数のグラフ")
    expect(chart).to_be_visible()
    expect(chart.locator("rect title", has_text=re.compile("12,345"))).to_have_count(1)
    row = page.get_by_role("row", name=f"{today:%Y/%m/%d}")
    expect(row).to_contain_text("12,345")
    expect(page.get_by_text("合計歩数")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
