"""WEL-4 健康日記 (manual §4-10): terms and profile on first use, the feed and 「自分の投稿」,
posting with the confirm step (length limit, the picture checked by its content, re-encoded
without EXIF and resized), likes, deleting, blocks, reports; scoping and the contract gate."""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from notices.models import Profile
from tests import factories
from tests.wellness.diary.conftest import image_bytes, join, make_post
from wellness.diary import images, queries
from wellness.diary.models import POST_MAX_LENGTH, Block, DiaryPost, Like, Participant, Report

TOP = "/wellness/diary/"
UNAVAILABLE = "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。"


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _confirm(client, body, upload=None):
    data = {"step": "confirm", "body": body, "token": str(uuid.uuid4())}
    if upload is not None:
        data["image"] = upload
    return client.post(TOP + "post/", data)


def _post(client, body="夕食は野菜多めにしました", upload=None) -> DiaryPost:
    response = _confirm(client, body, upload)
    assert response.status_code == 200, _html(response)
    token = response.context["token"]
    response = client.post(TOP + "post/", {"step": "post", "body": body, "token": str(token)})
    assert response.status_code == 302
    return DiaryPost.objects.get(token=token)


# --- First use -------------------------------------------------------------------------------


def test_first_visit_shows_the_terms_then_the_profile_then_the_top(client, rich, insured):
    client.force_login(insured)

    page = client.get(TOP)  # the entry page shows the terms while they are not agreed
    assert page.status_code == 200
    assert "健康日記利用規約" in _html(page)
    assert "利用規約に同意する" in _html(page)

    refused = client.post(TOP + "terms/", {})
    assert refused.status_code == 400
    assert "「利用規約に同意する」にチェックを入れてください。" in _html(refused)
    assert not Participant.objects.exists()

    agreed = client.post(TOP + "terms/", {"agree": "on"})
    assert agreed["Location"] == TOP + "profile/"
    assert "設定して健康日記をはじめる" in _html(client.get(TOP))
    assert client.get(TOP + "post/").status_code == 200
    assert "設定して健康日記をはじめる" in _html(client.get(TOP + "post/"))
    assert client.post(TOP + "post/", {"step": "confirm"})["Location"] == TOP + "profile/"
    # The terms are shown only while not agreed.
    assert client.get(TOP + "terms/")["Location"] == TOP

    no_name = client.post(TOP + "profile/", {"nickname": "", "introduction": "よろしく"})
    assert "ニックネームを入力してください。" in _html(no_name)
    png = SimpleUploadedFile("me.png", image_bytes("PNG", (300, 300)), "image/png")
    done = client.post(
        TOP + "profile/",
        {"nickname": "たろう", "introduction": "毎朝歩いています", "image": png},
    )
    assert done["Location"] == TOP
    top = client.get(TOP)
    assert top.status_code == 200
    assert "みんなの投稿" in _html(top) and "自分の投稿" in _html(top)


def test_the_diary_profile_is_the_one_of_personal_settings(client, rich, insured):
    client.force_login(insured)
    client.post(TOP + "terms/", {"agree": "on"})
    client.post(TOP + "profile/", {"nickname": "たろう", "introduction": "よろしく"})

    assert Profile.objects.get(person=insured.person).nickname == "たろう"
    assert "たろう" in _html(client.get("/notices/settings/profile/"))


# --- Feed --------------------------------------------------------------------------------------


def test_feed_is_newest_first_and_paginated_with_a_fixed_number_of_queries(taro_client, taro, ken):
    for number in range(queries.PER_PAGE * 2 + 3):
        post = make_post(ken.person if number % 2 else taro.person, body=f"投稿{number:02d}")
        Like.objects.create(post=post, person=taro.person)

    taro_client.get(TOP + "?page=3")  # warm the session and the union's caches
    with CaptureQueriesContext(connection) as first:
        page1 = taro_client.get(TOP)
    with CaptureQueriesContext(connection) as second:
        page2 = taro_client.get(TOP + "?page=2")

    bodies = [post.body for post in page1.context["page"]]
    assert bodies[0] == f"投稿{queries.PER_PAGE * 2 + 2:02d}"
    assert len(bodies) == queries.PER_PAGE
    assert [post.body for post in page2.context["page"]][0] == f"投稿{queries.PER_PAGE + 2:02d}"
    assert len(first) == len(second) == 6


def test_my_posts_tab_shows_only_my_posts(taro_client, taro, ken):
    make_post(taro.person, body="わたしの投稿")
    make_post(ken.person, body="けんの投稿")

    mine = _html(taro_client.get(TOP + "mine/"))

    assert "わたしの投稿" in mine and "けんの投稿" not in mine
    everyone = _html(taro_client.get(TOP))
    assert "わたしの投稿" in everyone and "けんの投稿" in everyone


def test_html_and_scripts_in_posts_are_shown_as_text(taro_client, taro):
    _post(taro_client, body='<script>alert("x")</script><b onmouseover="x">太字</b>')

    html = taro_client.get(TOP).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b onmouseover" not in html


# --- Posting -----------------------------------------------------------------------------------


def test_post_text_limit_is_500_characters(taro_client, taro):
    assert POST_MAX_LENGTH == 500
    at_limit = _confirm(taro_client, "歩" * 500)
    assert at_limit.status_code == 200
    assert "投稿内容の確認" in _html(at_limit)

    over = _confirm(taro_client, "歩" * 501)
    assert over.status_code == 400
    assert "投稿内容は500文字以内で入力してください。" in _html(over)

    empty = _confirm(taro_client, "   ")
    assert "投稿内容を入力してください。" in _html(empty)


def test_confirm_step_then_a_double_submit_creates_one_post(taro_client, taro):
    confirm = _confirm(taro_client, "ラジオ体操をしました")
    assert "投稿する" in _html(confirm)
    assert not DiaryPost.objects.exists()  # nothing is posted before 「投稿する」
    data = {"step": "post", "body": "ラジオ体操をしました", "token": str(confirm.context["token"])}

    first = taro_client.post(TOP + "post/", data)
    second = taro_client.post(TOP + "post/", data)

    assert first.status_code == second.status_code == 302
    assert DiaryPost.objects.filter(author=taro.person).count() == 1
    assert "投稿しました。" in _html(taro_client.get(TOP))


@pytest.mark.parametrize(
    ("fmt", "name", "stored"),
    [("PNG", "a.png", ".png"), ("JPEG", "a.jpg", ".jpg"), ("GIF", "a.gif", ".png")],
)
def test_a_real_png_jpg_or_gif_is_accepted_and_served_to_members(
    taro_client, taro, ken, client, fmt, name, stored
):
    post = _post(taro_client, upload=SimpleUploadedFile(name, image_bytes(fmt), "image/x"))

    assert post.image.name.endswith(stored)
    response = taro_client.get(f"{TOP}{post.pk}/image/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as served:
        assert served.size == (64, 48)


def test_a_text_file_named_png_is_refused_in_japanese(taro_client, taro):
    fake = SimpleUploadedFile("photo.png", b"just some text, not a picture\n" * 10, "image/png")

    response = _confirm(taro_client, "写真です", fake)

    assert response.status_code == 400
    assert "画像はpng/jpg/gif形式のファイルを選択してください。" in _html(response)


def test_another_format_is_refused_even_when_it_is_a_picture(taro_client, taro):
    bmp = SimpleUploadedFile("photo.jpg", image_bytes("BMP"), "image/jpeg")

    response = _confirm(taro_client, "写真です", bmp)

    assert "画像はpng/jpg/gif形式のファイルを選択してください。" in _html(response)


def _padded_png(total: int) -> bytes:
    """A valid PNG of exactly `total` bytes (the padding sits after the IEND chunk)."""
    data = image_bytes("PNG")
    return data + b"\0" * (total - len(data))


def test_ten_megabytes_is_accepted_one_byte_more_is_refused(taro_client, taro):
    assert images.MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    limit = images.MAX_UPLOAD_BYTES
    at_limit = SimpleUploadedFile("big.png", _padded_png(limit), "image/png")
    assert _confirm(taro_client, "大きい写真", at_limit).status_code == 200

    over = SimpleUploadedFile("big.png", _padded_png(limit + 1), "image/png")
    response = _confirm(taro_client, "大きい写真", over)
    assert response.status_code == 400
    assert "画像は10MB以内のファイルを選択してください。" in _html(response)


def test_a_decompression_bomb_is_refused(taro_client, taro):
    bomb = SimpleUploadedFile("bomb.png", image_bytes("PNG", (8000, 8000)), "image/png")

    response = _confirm(taro_client, "爆弾", bomb)

    assert "画像の縦横のサイズが大きすぎます。" in _html(response)


def test_exif_is_gone_and_a_large_picture_is_resized(taro_client, taro):
    raw = image_bytes("JPEG", (3200, 2000), exif=True)
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif()[0x010F] == "KOSMO Camera"

    post = _post(taro_client, upload=SimpleUploadedFile("cam.jpg", raw, "image/jpeg"))

    with post.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) == images.MAX_EDGE == 1600
        assert image.size == (1600, 1000)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
    assert b"KOSMO Camera" not in post.image.open("rb").read()


def test_the_confirm_page_previews_the_picture_only_for_its_owner(taro_client, taro, ken, client):
    png = SimpleUploadedFile("a.png", image_bytes(), "image/png")
    response = _confirm(taro_client, "プレビュー", png)
    url = f"{TOP}post/image/{response.context['token']}/"
    assert taro_client.get(url).status_code == 200

    client.force_login(ken)
    assert client.get(url).status_code == 404


def test_a_restricted_member_cannot_post_and_is_told_why(taro_client, taro):
    participant = Participant.objects.get(person=taro.person)
    participant.restricted_at = participant.agreed_at
    participant.restriction_reason = "不適切な投稿が繰り返されたため、投稿を制限しています。"
    participant.save()

    page = taro_client.get(TOP + "post/")
    assert page.status_code == 403
    assert "投稿が制限されています。" in _html(page)
    assert "不適切な投稿が繰り返されたため、投稿を制限しています。" in _html(page)
    refused = taro_client.post(
        TOP + "post/", {"step": "post", "body": "こっそり", "token": str(uuid.uuid4())}
    )
    assert refused.status_code == 403
    assert not DiaryPost.objects.exists()


# --- Likes, delete -----------------------------------------------------------------------------


def test_like_sets_and_clears_and_a_double_submit_counts_once(taro_client, taro, ken):
    post = make_post(ken.person)
    url = f"{TOP}{post.pk}/like/"

    taro_client.post(url, {"liked": "1"})
    taro_client.post(url, {"liked": "1"})
    assert Like.objects.filter(post=post).count() == 1
    html = _html(taro_client.get(TOP))
    assert 'aria-pressed="true"' in html
    assert '<span class="diary-like__count">1</span>' in html

    taro_client.post(url, {"liked": "0"})
    assert not Like.objects.filter(post=post).exists()
    assert '<span class="diary-like__count">0</span>' in _html(taro_client.get(TOP))


def test_delete_own_post_after_confirmation(taro_client, taro, django_capture_on_commit_callbacks):
    post = _post(taro_client, upload=SimpleUploadedFile("a.png", image_bytes(), "image/png"))
    storage, name = post.image.storage, post.image.name

    confirm = taro_client.get(f"{TOP}{post.pk}/delete/")
    assert "この投稿を削除しますか？" in _html(confirm)
    assert DiaryPost.objects.filter(pk=post.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        taro_client.post(f"{TOP}{post.pk}/delete/")

    assert not DiaryPost.objects.filter(pk=post.pk).exists()
    assert not storage.exists(name)


def test_another_members_post_cannot_be_deleted(taro_client, taro, ken):
    post = make_post(ken.person)

    assert taro_client.get(f"{TOP}{post.pk}/delete/").status_code == 404
    assert taro_client.post(f"{TOP}{post.pk}/delete/").status_code == 404
    assert DiaryPost.objects.filter(pk=post.pk).exists()


# --- Block, report -----------------------------------------------------------------------------


def test_block_hides_the_users_posts_and_unblock_shows_them(taro_client, taro, ken):
    post = make_post(ken.person, body="けんの散歩")

    confirm = taro_client.get(f"{TOP}{post.pk}/block/")
    assert "ブロックする" in _html(confirm)
    done = taro_client.post(f"{TOP}{post.pk}/block/")
    assert "けんさんをブロックしました。" in _html(done) and "OK" in _html(done)
    assert "けんの散歩" not in _html(taro_client.get(TOP))
    assert taro_client.get(f"{TOP}{post.pk}/image/").status_code == 404

    blocklist = _html(taro_client.get(TOP + "blocks/"))
    assert "けん" in blocklist and "解除する" in blocklist
    taro_client.post(f"{TOP}blocks/{ken.person.pk}/unblock/")

    assert not Block.objects.exists()
    assert "けんの散歩" in _html(taro_client.get(TOP))


def test_the_unblock_confirmation_names_the_blocked_member(taro_client, taro, ken):
    Block.objects.create(blocker=taro.person, blocked=ken.person)

    confirm = _html(taro_client.get(f"{TOP}blocks/{ken.person.pk}/unblock/"))

    assert "けんさんのブロックを解除しますか？" in confirm
    assert Block.objects.exists()


def test_blocking_is_only_for_the_blocker(client, taro, ken, dependent):
    join(dependent.person, "はなこ")
    make_post(ken.person, body="けんの散歩")
    Block.objects.create(blocker=taro.person, blocked=ken.person)

    client.force_login(dependent)
    assert "けんの散歩" in _html(client.get(TOP))


def test_report_with_a_reason_joins_the_queue_then_block(taro_client, taro, ken):
    post = make_post(ken.person, body="怪しい宣伝")
    url = f"{TOP}{post.pk}/report/"

    missing = taro_client.post(url, {"step": "confirm"})
    assert "通報内容を選択してください。" in _html(missing)
    confirm = taro_client.post(url, {"step": "confirm", "reason": "spam"})
    assert "「宣伝・勧誘・スパム」として通報しますか？" in _html(confirm)
    assert not Report.objects.exists()
    done = taro_client.post(url, {"step": "report", "reason": "spam"})

    assert "通報が完了しました。" in _html(done)
    assert f'href="{TOP}{post.pk}/block/"' in _html(done)
    report = Report.objects.get()
    assert (report.post, report.reporter, report.reason) == (post, taro.person, "spam")
    assert report.handled_at is None


def test_own_post_cannot_be_reported_or_blocked(taro_client, taro):
    post = make_post(taro.person)

    assert taro_client.get(f"{TOP}{post.pk}/report/").status_code == 404
    assert taro_client.post(f"{TOP}{post.pk}/block/").status_code == 404


# --- Scope and gate ----------------------------------------------------------------------------


def test_another_unions_post_and_picture_are_404(taro_client, taro, other_union_member):
    other = other_union_member.person
    other.household.union.tier = taro.person.household.union.tier
    other.household.union.save()
    join(other, "よそのひと")
    post = _post_with_image(other)

    assert "よそのひと" not in _html(taro_client.get(TOP))
    for suffix in ("image/", "block/", "report/", "delete/"):
        assert taro_client.get(f"{TOP}{post.pk}/{suffix}").status_code == 404
    assert taro_client.post(f"{TOP}{post.pk}/like/", {"liked": "1"}).status_code == 404


def _post_with_image(person) -> DiaryPost:
    post = make_post(person, body="よその投稿")
    post.image.save("x.png", SimpleUploadedFile("x.png", image_bytes()), save=True)
    return post


def test_a_hidden_post_is_not_served(taro_client, taro, ken):
    post = _post_with_image(ken.person)
    post.hidden_at = post.created_at
    post.save()

    assert taro_client.get(f"{TOP}{post.pk}/image/").status_code == 404
    assert "よその投稿" not in _html(taro_client.get(TOP))


def test_the_diary_is_unavailable_without_the_contract(client, union, insured):
    # The standard tier (as sakura) has no 健康日記.
    client.force_login(insured)
    for url in (TOP, TOP + "terms/", TOP + "post/", TOP + "mine/", TOP + "blocks/"):
        response = client.get(url)
        assert response.status_code == 404
        assert UNAVAILABLE in _html(response)


def test_signed_out_visitors_are_sent_to_login(client, rich):
    assert "/login" in client.get(TOP)["Location"] or "login" in client.get(TOP)["Location"]


def test_image_of_a_post_without_picture_is_404(taro_client, taro):
    post = make_post(taro.person)
    assert taro_client.get(f"{TOP}{post.pk}/image/").status_code == 404


def test_staff_without_a_member_record_get_no_diary(client, rich):
    staff = factories.StaffFactory(username="staff_diary", union=rich)
    client.force_login(staff)
    assert client.get(TOP).status_code == 403


def test_an_animated_gif_keeps_only_its_first_frame(taro_client, taro):
    frames = [Image.new("RGB", (80, 60), colour) for colour in ((255, 0, 0), (0, 0, 255))] * 50
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=20, loop=0)

    post = _post(taro_client, upload=SimpleUploadedFile("anim.gif", out.getvalue(), "image/gif"))

    with post.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"
        assert getattr(image, "n_frames", 1) == 1
        assert image.convert("RGB").getpixel((10, 10)) == (255, 0, 0)
