"""Issue 14 in the browser: the demo clerk signs in to admin with a second factor, opens the
document 佐藤 健 submitted for his spouse and approves her (認定); 佐藤 健 then reads the result
and finds the union's look at the document in his security log."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts import demo as account_demo
from dependents.models import SurveyTarget
from tests.e2e.steps import latest_code, sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLERK_ADDRESS = "staff.kosmo@example.jp"


def test_clerk_approves_a_dependent_and_the_member_sees_it(page, demo_portal, browser, viewport):
    # The clerk: /admin/ asks for the ID and password, then the code mailed to her.
    page.goto(page.base_url + "/admin/")
    page.get_by_label("ユーザID").fill("staff_kosmo")
    page.get_by_label("パスワード", exact=True).fill(account_demo.DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_text("受信したワンタイムパスワードを入力してください。")).to_be_visible()
    expect(page).not_to_have_url(re.compile("/admin/$"))
    page.get_by_label("ワンタイムパスワード").fill(latest_code(CLERK_ADDRESS))
    page.get_by_role("button", name="トップページへ").click()
    expect(page.get_by_text("管理メニュー")).to_be_visible()

    # 被扶養者資格調査 → 調査対象者: 佐藤 美咲 was submitted and waits for review.
    page.goto(page.base_url + "/admin/dependents/surveytarget/?progress=submitted")
    page.get_by_role("link", name="佐藤 美咲").click()
    expect(page.get_by_role("group", name="審査")).to_be_visible()
    with page.context.expect_page() as document_tab:
        page.get_by_role("link", name=re.compile(r"\.pdf$")).click()
    document_tab.value.close()
    page.get_by_label("審査結果").select_option(label="認定")
    page.get_by_label("理由・連絡事項").fill(
        "提出書類を確認し、引き続き被扶養者として認定しました。"
    )
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("佐藤 美咲")
    target = SurveyTarget.objects.get(person__family_name="佐藤", person__given_name="美咲")
    assert target.result == SurveyTarget.Result.APPROVED

    # 佐藤 健, in his own browser: the result, then the union's look in his security log.
    member = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", **_viewport(viewport))
    member_page = member.new_page()
    member_page.base_url = page.base_url
    mail.outbox.clear()
    sign_in_with_email_code(
        member_page, "sato_ken", account_demo.DEMO_PASSWORD, "sato.ken@example.jp"
    )
    member_page.goto(page.base_url + "/dependents/results/")
    expect(member_page.get_by_role("cell", name="認定")).to_be_visible()
    member_page.goto(page.base_url + "/accounts/security/")
    expect(
        member_page.get_by_text(
            "組合の担当者が佐藤 美咲さんの被扶養者資格調査の提出書類を閲覧しました"
        )
    ).to_be_visible()
    expect(member_page.get_by_text("staff_kosmo")).to_have_count(0)
    member.close()


def _viewport(name):
    from tests.e2e.conftest import VIEWPORTS

    return VIEWPORTS[name]
