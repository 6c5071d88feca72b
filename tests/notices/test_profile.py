"""NTC-3 プロフィール設定: picture (checked, cut, resized, EXIF stripped), nickname, 自己紹介."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from notices import forms
from notices.models import Profile


def _image_file(name="photo.jpg", fmt="JPEG", size=(800, 600), color=(200, 30, 30), exif=True):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "KOSMO Camera"  # Make
        data[0x8825] = {2: (35.0, 41.0, 22.0)}  # GPS latitude: where the member lives
        options["exif"] = data.tobytes()
    image.save(out, fmt, **options)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def _save(client, **data):
    payload = {"nickname": "たろう", "introduction": "毎日歩いています。", **data}
    return client.post("/notices/settings/profile/", payload)


def _stored(insured) -> Image.Image:
    profile = Profile.objects.get(person=insured.person)
    with profile.image.open("rb") as stored:
        return Image.open(io.BytesIO(stored.read()))


def test_personal_settings_menu_leads_to_profile(portal_client):
    assert 'href="/notices/settings/"' in portal_client.get("/").content.decode()
    html = portal_client.get("/notices/settings/").content.decode()
    assert 'href="/notices/settings/profile/"' in html
    page = portal_client.get("/notices/settings/profile/").content.decode()
    assert "保存する" in page
    assert "ニックネーム" in page
    assert "自己紹介" in page


def test_member_saves_nickname_introduction_and_picture(portal_client, insured):
    response = _save(portal_client, image=_image_file())

    assert response.status_code == 302
    profile = Profile.objects.get(person=insured.person)
    assert (profile.nickname, profile.introduction) == ("たろう", "毎日歩いています。")
    stored = _stored(insured)
    assert stored.format == "JPEG"
    assert stored.size == (forms.PROFILE_IMAGE_SIZE, forms.PROFILE_IMAGE_SIZE)
    page = portal_client.get(response.url).content.decode()
    assert "プロフィールを保存しました。" in page
    assert profile.image.url in page


def test_stored_picture_carries_no_exif(portal_client, insured):
    upload = _image_file()
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the upload has it
    upload.seek(0)

    _save(portal_client, image=upload)

    stored = _stored(insured)
    assert not stored.getexif()
    assert "exif" not in stored.info


def test_picture_is_cut_where_the_member_positioned_it(portal_client, insured):
    # left half red, right half blue: moved fully right and zoomed, only blue remains
    image = Image.new("RGB", (800, 400), (255, 0, 0))
    image.paste((0, 0, 255), (400, 0, 800, 400))
    out = io.BytesIO()
    image.save(out, "PNG")
    upload = SimpleUploadedFile("two.png", out.getvalue(), content_type="image/png")

    _save(portal_client, image=upload, zoom=200, position_x=100, position_y=50)

    stored = _stored(insured).convert("RGB")
    assert stored.getpixel((10, 128)) == (0, 0, 255)
    assert stored.getpixel((245, 128)) == (0, 0, 255)


def test_gif_keeps_its_first_frame_as_png(portal_client, insured):
    _save(portal_client, image=_image_file("anime.gif", "GIF", exif=False))
    assert _stored(insured).format == "PNG"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("evil.png", b"this is plain text, not a picture", "image/png"),
            "画像はPNG・JPEG・GIF形式のファイルを選択してください。",
        ),
        (
            SimpleUploadedFile("doc.pdf", b"%PDF-1.4 fake", "application/pdf"),
            "画像はPNG・JPEG・GIF形式のファイルを選択してください。",
        ),
        (
            _image_file("photo.bmp", "BMP", exif=False),
            "画像はPNG・JPEG・GIF形式のファイルを選択してください。",
        ),
        (
            _image_file("webp.png", "WEBP", exif=False),
            "画像はPNG・JPEG・GIF形式のファイルを選択してください。",
        ),
    ],
)
def test_wrong_file_types_are_refused_and_nothing_is_lost(portal_client, insured, upload, message):
    Profile.objects.create(person=insured.person, nickname="前のニックネーム")

    response = _save(portal_client, image=upload, nickname="新しいニックネーム")

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "新しいニックネーム" in html  # what was typed stays in the form
    profile = Profile.objects.get(person=insured.person)
    assert profile.nickname == "前のニックネーム"
    assert not profile.image


def test_too_big_a_file_is_refused(portal_client, insured, monkeypatch):
    monkeypatch.setattr(forms, "PROFILE_IMAGE_MAX_BYTES", 1000)
    big = _image_file(size=(400, 400), exif=False)
    assert big.size > 1000

    response = _save(portal_client, image=big)

    assert response.status_code == 400
    assert "画像のファイルサイズは5MB以下にしてください。" in response.content.decode()
    assert not Profile.objects.exists()


def test_a_picture_with_too_many_pixels_is_refused(portal_client, monkeypatch):
    monkeypatch.setattr(forms, "PROFILE_IMAGE_MAX_PIXELS", 100 * 100)
    response = _save(portal_client, image=_image_file(size=(101, 100), exif=False))
    assert response.status_code == 400
    assert "画像の縦横のサイズが大きすぎます。" in response.content.decode()


def test_nickname_and_introduction_lengths_are_checked(portal_client):
    response = _save(portal_client, nickname="あ" * 21, introduction="い" * 201)
    html = response.content.decode()
    assert response.status_code == 400
    assert "ニックネームは20文字以内で入力してください。" in html
    assert "自己紹介は200文字以内で入力してください。" in html


def test_a_new_picture_replaces_the_old_file(portal_client, insured):
    _save(portal_client, image=_image_file())
    first = Profile.objects.get(person=insured.person).image
    first_name, storage = first.name, first.storage

    _save(portal_client, image=_image_file(color=(0, 200, 0)))

    assert not storage.exists(first_name)
    assert Profile.objects.get(person=insured.person).image.name != first_name


def test_profile_is_the_members_own(portal_client, dependent, insured):
    Profile.objects.create(person=dependent.person, nickname="はなこ")
    html = portal_client.get("/notices/settings/profile/").content.decode()
    assert "はなこ" not in html
    _save(portal_client)
    assert Profile.objects.get(person=dependent.person).nickname == "はなこ"
    assert Profile.objects.get(person=insured.person).nickname == "たろう"


def test_a_good_picture_sent_with_a_too_long_nickname_is_asked_for_again(portal_client, insured):
    response = _save(portal_client, image=_image_file(), nickname="あ" * 21)

    html = response.content.decode()
    assert response.status_code == 400
    assert "ニックネームは20文字以内で入力してください。" in html
    assert "画像は保存されていません。入力内容を直して、もう一度画像を選択してください。" in html
    assert "毎日歩いています。" in html  # what was typed stays in the form
    assert not Profile.objects.exists()
