"""The demo member adds a preset challenge on a phone, through the confirm step, and marks
today ○ from チャレンジ詳細, changes it to × in the record modal and deletes the challenge
after the 「■」 confirmation."""

import re

import pytest
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_adds_a_challenge_and_marks_today_on_a_phone(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.get_by_role("button", name="メニュー").click()
    page.get_by_role("navigation", name="サービスメニュー").get_by_role(
        "link", name="チャレンジ", exact=True
    ).click()

    expect(page.get_by_role("heading", name="チャレンジ設定", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="1日8,000歩歩く")).to_be_visible()  # the demo's
    page.get_by_role("link", name=re.compile("^ステージ1 まずはここから")).click()
    page.get_by_label("毎朝体重を測る").check()
    page.get_by_role("button", name="この内容でチャレンジを追加する").click()

    expect(
        page.get_by_text("設定内容を確認し、「この内容でチャレンジを設定する」を押してください。")
    ).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="毎朝体重を測る")).to_be_visible()
    page.get_by_role("button", name="この内容でチャレンジを設定する").click()

    expect(page.get_by_text("「毎朝体重を測る」をチャレンジに設定しました。")).to_be_visible()
    current = page.get_by_role("region", name="設定中のチャレンジ")
    current.get_by_role("link", name="毎朝体重を測る").click()

    expect(page.get_by_role("heading", name="毎朝体重を測る")).to_be_visible()
    expect(page.get_by_text("達成 0日 / 経過 1日 / 全 30日")).to_be_visible()
    page.get_by_role("button", name="毎朝体重を測るを○(達成)にする").click()

    expect(page.get_by_text(re.compile(r"の成果を「○」で記録しました。"))).to_be_visible()
    expect(page.get_by_text("達成 1日 / 経過 1日 / 全 30日")).to_be_visible()
    expect(page.get_by_role("button", name="毎朝体重を測るを○(達成)にする")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The date in the calendar opens the record modal on that date, with its ○.
    page.get_by_role("link", name=re.compile(r"^\d+月\d+日 ○$")).click()
    modal = page.get_by_role("dialog")
    expect(modal.get_by_label("○")).to_be_checked()
    expect(modal.get_by_role("link", name="次の日")).to_have_count(0)  # no future date
    expect(modal.get_by_role("link", name="前の日")).to_have_count(0)  # it starts today
    modal.get_by_label("×").check()
    modal.get_by_role("button", name="保存する").click()
    expect(page.get_by_text(re.compile(r"の成果を「×」で記録しました。"))).to_be_visible()
    expect(page.get_by_text("達成 0日 / 経過 1日 / 全 30日")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 「■」 opens the delete confirmation; 「削除」 removes the challenge.
    page.get_by_role("link", name="チャレンジを削除する").click()
    expect(
        page.get_by_role("dialog").get_by_text("「毎朝体重を測る」を削除しますか？", exact=False)
    ).to_be_visible()
    page.get_by_role("dialog").get_by_role("button", name="削除").click()
    expect(page.get_by_text("「毎朝体重を測る」を削除しました。")).to_be_visible()
    expect(
        page.get_by_role("region", name="設定中のチャレンジ").get_by_role(
            "link", name="毎朝体重を測る"
        )
    ).to_have_count(0)


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_member_marks_todays_challenge_from_the_records_top_on_a_desktop(page, demo_portal):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    page.get_by_role("navigation", name="サービスメニュー").get_by_role(
        "link", name="日々の記録", exact=True
    ).click()

    block = page.get_by_role("region", name=re.compile("^今日のチャレンジ"))
    expect(block.get_by_role("link", name="1日8,000歩歩く")).to_be_visible()
    done = block.get_by_role("button", name="1日8,000歩歩くを○(達成)にする")
    expect(done).to_have_attribute("aria-pressed", "false")  # the demo leaves today open
    done.click()

    expect(
        page.get_by_text(re.compile(r"「1日8,000歩歩く」.* の成果を「○」で記録しました。"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="日々の記録", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="1日8,000歩歩くを○(達成)にする")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("link", name="チャレンジを追加する").click()
    expect(page.get_by_role("heading", name="チャレンジ設定", exact=True)).to_be_visible()
    expect(page.get_by_text("達成 17日 / 経過 21日 / 全 30日")).to_be_visible()
