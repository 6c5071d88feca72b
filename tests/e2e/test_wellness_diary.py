"""健康日記 on a phone (manual §4-10): a demo member who has not used the diary yet agrees to
the terms, sets the profile, posts with a photo through the confirm step, likes another
member's post and reports one (then blocks its author). Two members side by side: one posts
with a photo, the other likes it, blocks the author and unblocks from the ブロックリスト."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts import demo as account_demo
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.steps import sign_in_with_email_code
from wellness.diary.models import Like, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(tmp_path):
    path = tmp_path / "salad.jpg"
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (90, 170, 80)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def _open_diary(page):
    page.get_by_role("button", name="メニュー").click()
    page.get_by_role("navigation", name="サービスメニュー").get_by_role(
        "link", name="健康日記", exact=True
    ).click()
    expect(page.get_by_role("heading", name="健康日記")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_member_starts_the_diary_posts_a_photo_likes_and_reports_on_a_phone(
    page, demo_portal, tmp_path
):
    sign_in_with_email_code(
        page, "sato_misaki", account_demo.DEMO_PASSWORD, "sato.misaki@example.jp"
    )
    page.get_by_role("button", name="メニュー").click()
    page.get_by_role("navigation", name="サービスメニュー").get_by_role(
        "link", name="健康日記", exact=True
    ).click()

    # First use: the terms, then the profile (shared with 個人設定).
    expect(page.get_by_role("heading", name="健康日記利用規約")).to_be_visible()
    page.get_by_label("利用規約に同意する").check()
    page.get_by_role("button", name="プロフィールを設定する").click()
    expect(page.get_by_role("heading", name="プロフィール設定")).to_be_visible()
    page.get_by_label("ニックネーム").fill("みさき")
    page.get_by_label("自己紹介").fill("ヨガを続けています。")
    page.get_by_role("button", name="設定して健康日記をはじめる").click()

    # The demo's busy feed.
    expect(page.get_by_role("heading", name="健康日記")).to_be_visible()
    expect(page.get_by_text("今朝は川沿いを40分ウォーキング。9,200歩でした！")).to_be_visible()

    # 「投稿する」 → text and a photo → 「投稿内容を確認する」 → 「投稿する」.
    page.get_by_role("link", name="投稿する").click()
    page.get_by_label("投稿内容").fill("朝ヨガ20分。<b>気持ちいい</b>")
    page.get_by_label("画像").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="投稿内容を確認する").click()
    expect(page.get_by_role("heading", name="投稿内容の確認")).to_be_visible()
    expect(page.get_by_role("img", name="投稿画像")).to_be_visible()
    page.get_by_role("button", name="投稿する").click()

    expect(page.get_by_text("投稿しました。")).to_be_visible()
    mine = page.get_by_role("article").filter(has_text="朝ヨガ20分。<b>気持ちいい</b>")
    expect(mine).to_be_visible()  # the markup shows as text
    picture = mine.get_by_role("img", name="投稿画像")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 1600
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 「👍」 on たろう's walk.
    walk = page.get_by_role("article").filter(has_text="今朝は川沿いを40分")
    walk.get_by_role("button", name="いいね").click()
    walk = page.get_by_role("article").filter(has_text="今朝は川沿いを40分")
    expect(walk.get_by_role("button", name="いいね")).to_have_attribute("aria-pressed", "true")
    expect(walk.get_by_role("button", name="いいね")).to_contain_text("3")
    assert Like.objects.filter(post__body__startswith="今朝は川沿い").count() == 3

    # 「…」 → 「通報する」 → 通報内容 → 「通報する」 → 「通報する」, then 「ブロックする」.
    advert = page.get_by_role("article").filter(has_text="このサプリで")
    advert.get_by_label("メニュー").click()
    advert.get_by_role("link", name="通報する").click()
    page.get_by_label("宣伝・勧誘・スパム").check()
    page.get_by_role("button", name="通報する").click()
    dialog = page.get_by_role("alertdialog")
    expect(
        dialog.get_by_text("この投稿を「宣伝・勧誘・スパム」として通報しますか？")
    ).to_be_visible()
    dialog.get_by_role("button", name="通報する").click()
    expect(page.get_by_role("heading", name="通報が完了しました。")).to_be_visible()
    assert Report.objects.filter(reporter__given_name="美咲", reason="spam").exists()
    page.get_by_role("link", name="ブロックする").click()
    page.get_by_role("button", name="ブロックする").click()
    page.get_by_role("link", name="OK").click()
    expect(page.get_by_text("このサプリで")).to_have_count(0)
    expect(page.get_by_text("10kmラン完走。")).to_have_count(0)  # ケン's other posts too


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_another_member_likes_a_photo_post_then_blocks_and_unblocks_its_author_on_a_phone(
    browser, page, live_server, demo_portal, tmp_path
):
    # A: 山田 太郎 (たろう) posts with a photo.
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    _open_diary(page)
    page.get_by_role("link", name="投稿する").click()
    page.get_by_label("投稿内容").fill("昼休みに公園を一周。")
    page.get_by_label("画像").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="投稿内容を確認する").click()
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_text("投稿しました。")).to_be_visible()
    mine = page.get_by_role("article").filter(has_text="昼休みに公園を一周。")
    expect(mine.get_by_role("button", name="いいね")).to_have_text("👍 0")

    # B: 佐藤 健 (ケン), in a second phone context, sees it with the photo and likes it.
    other = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", **VIEWPORTS["phone"])
    other.set_default_timeout(10_000)
    try:
        ken = other.new_page()
        ken.base_url = live_server.url
        sign_in_with_email_code(ken, "sato_ken", account_demo.DEMO_PASSWORD, "sato.ken@example.jp")
        _open_diary(ken)
        taros = ken.get_by_role("article").filter(has_text="昼休みに公園を一周。")
        expect(taros.get_by_text("たろう")).to_be_visible()
        picture = taros.get_by_role("img", name="投稿画像")
        expect(picture).to_be_visible()
        assert picture.evaluate("img => img.naturalWidth") == 1600
        taros.get_by_role("button", name="いいね").click()
        taros = ken.get_by_role("article").filter(has_text="昼休みに公園を一周。")
        expect(taros.get_by_role("button", name="いいね")).to_have_attribute("aria-pressed", "true")
        expect(taros.get_by_role("button", name="いいね")).to_have_text("👍 1")

        # A sees the like count 1 on the post (not pressed: the like is B's).
        page.reload()
        mine = page.get_by_role("article").filter(has_text="昼休みに公園を一周。")
        expect(mine.get_by_role("button", name="いいね")).to_have_text("👍 1")
        expect(mine.get_by_role("button", name="いいね")).to_have_attribute("aria-pressed", "false")

        # B: 「…」 → 「ブロック」 → 「ブロックする」 → 「OK」: all of たろう's posts go.
        taros.get_by_label("メニュー").click()
        taros.get_by_role("link", name="ブロック", exact=True).click()
        expect(
            ken.get_by_text(
                "たろうさんをブロックしますか？ブロックすると、このユーザーの投稿は表示されなくなります。"
            )
        ).to_be_visible()
        ken.get_by_role("button", name="ブロックする").click()
        expect(ken.get_by_role("heading", name="たろうさんをブロックしました。")).to_be_visible()
        ken.get_by_role("link", name="OK").click()
        expect(ken.get_by_role("heading", name="健康日記")).to_be_visible()
        expect(ken.get_by_text("今日のお昼は彩り野菜のサラダ。")).to_be_visible()  # はなこ's stay
        expect(ken.get_by_text("昼休みに公園を一周。")).to_have_count(0)
        expect(ken.get_by_text("今朝は川沿いを40分ウォーキング。")).to_have_count(0)

        # B: 「ブロックリスト」 → 「解除する」 → the confirmation → 「解除する」.
        ken.get_by_role("link", name="ブロックリスト").click()
        expect(ken.get_by_role("heading", name="ブロックリスト")).to_be_visible()
        rows = ken.get_by_role("main").get_by_role("listitem")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("たろう")
        rows.get_by_role("link", name="解除する").click()
        expect(ken.get_by_text("たろうさんのブロックを解除しますか？")).to_be_visible()
        ken.get_by_role("button", name="解除する").click()
        expect(ken.get_by_text("ブロックを解除しました。")).to_be_visible()
        expect(ken.get_by_text("ブロックしているユーザーはいません。")).to_be_visible()

        # たろう's post is back in B's feed, still liked by B.
        ken.get_by_role("main").get_by_role("link", name="健康日記").click()
        taros = ken.get_by_role("article").filter(has_text="昼休みに公園を一周。")
        expect(taros.get_by_role("img", name="投稿画像")).to_be_visible()
        expect(taros.get_by_role("button", name="いいね")).to_have_text("👍 1")
        expect(ken.get_by_text("今朝は川沿いを40分ウォーキング。9,200歩でした！")).to_be_visible()
        assert ken.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        other.close()
