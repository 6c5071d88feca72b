"""A member reads お知らせ and MYメール, replies 「送信する」, sets the profile picture and
reads the FAQ, on a phone and a desktop, by the labels the manual shows."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _picture(path):
    image = Image.new("RGB", (600, 400), (30, 120, 200))
    image.save(path, "PNG")
    return path


def test_member_reads_news_and_replies_to_my_mail(page, demo_portal, viewport, tmp_path):
    from notices.models import Profile, Reply

    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )

    # (1) お知らせ: 🔔 → list → title → detail
    page.get_by_role("link", name=re.compile(r"^お知らせ 未読\d+件$")).click()
    expect(page.get_by_role("heading", name="お知らせ", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("年末年始の窓口休業について")).click()
    expect(page.get_by_text("12月29日から1月3日まで、窓口業務を休業いたします。")).to_be_visible()

    # (2) MYメール: ✉ → list → the 「要返信」 one → reply 「送信する」
    page.get_by_role("link", name=re.compile(r"^MYメール 未読\d+件$")).click()
    page.get_by_role("link", name=re.compile("被扶養者の状況についてのご確認")).click()
    expect(page.get_by_role("heading", name=re.compile("要返信"))).to_be_visible()
    page.get_by_label("返信内容").fill("長女が4月から就職します。")
    page.get_by_role("button", name="送信する").click()
    expect(page.get_by_text("返信を送信しました。")).to_be_visible()
    expect(page.get_by_text("長女が4月から就職します。")).to_be_visible()
    assert Reply.objects.filter(body="長女が4月から就職します。").count() == 1

    # 個人設定 → プロフィール設定: picture positioned, 「確認」, then 「保存する」
    page.locator("summary", has_text="個人メニュー").click()
    page.get_by_role("link", name="個人設定").click()
    page.get_by_role("link", name="プロフィール設定").click()
    page.get_by_label("プロフィール画像を選択").set_input_files(_picture(tmp_path / "me.png"))
    page.get_by_label("拡大").fill("150")
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_role("img", name="選択したプロフィール画像")).to_be_visible()
    page.get_by_label("ニックネーム").fill("たろう")
    page.get_by_label("自己紹介").fill("毎朝歩いています。")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_text("プロフィールを保存しました。")).to_be_visible()
    profile = Profile.objects.get(person__given_name="太郎", person__family_name="山田")
    assert profile.nickname == "たろう"
    with profile.image.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (256, 256)

    # ヘルプ・サポート → よくある質問: category → question → answer
    page.locator("summary", has_text="個人メニュー").click()
    page.locator(".user-menu").get_by_role("link", name="よくある質問").click()
    page.get_by_text("ログインに関するよくある質問").click()
    page.get_by_text("パスワードがロックされました").click()
    answer = page.locator("details.faq", has_text="パスワードがロックされました")
    expect(answer.get_by_text("ご加入の健保組合までお問い合わせください。")).to_be_visible()

    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


# The tops and bottoms of an answer's paragraphs, in order.
PARAGRAPH_BOXES = """(answer) => [...answer.querySelectorAll('.faq__text > p')].map((p) => {
  const box = p.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, left: box.left, width: box.width};
})"""


def _open_question(page, question):
    page.locator("summary.faq__question", has_text=question).click()
    return page.locator("details.faq", has_text=question).locator(".faq__answer")


def test_help_is_found_from_the_top_page_the_login_and_the_first_login(page, demo_portal):
    from accounts import demo

    page.goto(page.base_url + "/")
    help_links = page.get_by_role("navigation", name="ヘルプ・サポート")
    help_links.get_by_role("link", name="よくある質問").click()
    expect(page.get_by_role("heading", name="よくある質問")).to_be_visible()

    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("link", name="ログインでお困りの方(よくある質問)").click()
    expect(page.get_by_role("heading", name="よくある質問")).to_be_visible()

    # A freshly issued account, stopped at the first step of the first login.
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("ユーザID").fill(demo.FRESH_USER_ID)
    page.get_by_label("パスワード", exact=True).fill(demo.FRESH_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="本人確認")).to_be_visible()
    help_links.get_by_role("link", name="ご利用案内").click()
    expect(page.get_by_role("heading", name="ご利用案内")).to_be_visible()
    page.get_by_role("link", name="よくある質問").first.click()
    expect(page.get_by_role("heading", name="よくある質問")).to_be_visible()


def test_faq_answers_read_as_paragraphs_and_link_the_chapters_they_cite(page, demo_portal):
    page.goto(page.base_url + "/notices/help/faq/")
    page.get_by_text("ログインに関するよくある質問").click()

    for question in (
        "KOSMO Webパスワードポリシーを教えてください",
        "スマートフォンでQRコードが読み取れない場合の対処方法がありますか",
    ):
        answer = _open_question(page, question)
        first, second = answer.evaluate(PARAGRAPH_BOXES)
        assert second["top"] >= first["bottom"], question  # one below the other
        assert first["left"] == second["left"], question
        assert first["width"] >= answer.bounding_box()["width"] * 0.8, question

    answer = _open_question(page, "パスワードを忘れました")
    answer.get_by_role("link", name="3- 【3】 パスワードを忘れた場合").click()
    expect(page.get_by_role("heading", name="パスワードを忘れた方はこちら")).to_be_visible()
