"""Public media (union logos, club images, profile pictures) is streamed by the portal's
/media/ view from STORAGES["default"] (issue 24): the same on a node's folder (`make run`) and
from the bucket, which stays private. A missing name is the 404 page, a name climbing out of
the media folder is refused, only pictures are shown in the browser."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from notices.models import Profile
from tests.wellness.diary.conftest import image_bytes

NOT_FOUND = "ページが見つかりません"


@pytest.fixture(params=["local folder", "bucket"])
def store(request, db):
    """Each test runs on the local file system and on the S3 endpoint."""
    if request.param == "bucket":
        return request.getfixturevalue("s3_storages")
    return None


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_logo_is_served_with_its_type_and_a_days_public_cache(store, union):
    logo = image_bytes("PNG")
    name = default_storage.save("unions/logos/logo.png", ContentFile(logo))
    if store is not None:
        assert store.keys() == [f"public/{name}"]

    response = Client().get(default_storage.url(name))

    assert default_storage.url(name) == f"/media/{name}"
    assert response.status_code == 200
    assert _body(response) == logo
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_members_media_stays_publicly_cacheable(store, member_client):
    name = default_storage.save("unions/logos/logo.jpg", ContentFile(image_bytes("JPEG")))

    response = member_client.get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    "path", ["unions/logos/nothing.png", "unions/logos/", "unions/logos/logo.png/x"]
)
def test_a_missing_name_or_a_folder_is_the_404_page(store, union, path):
    default_storage.save("unions/logos/logo.png", ContentFile(image_bytes("PNG")))

    response = Client().get(f"/media/{path}")

    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/media/../private_media/secret.pdf",
        "/media/unions/../../private_media/secret.pdf",
        "/media//etc/passwd",
        "/media/..%2Fprivate_media%2Fsecret.pdf",
        "/media/unions\\..\\..\\private_media\\secret.pdf",
        "/media/",
    ],
)
def test_a_name_outside_the_media_folder_is_refused(store, union, settings, path):
    # A private file beside the media folder, as on a node that keeps both on its disk.
    settings.PRIVATE_MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    (settings.PRIVATE_MEDIA_ROOT / "secret.pdf").write_bytes(b"%PDF-1.7 private")

    response = Client().get(path)

    assert response.status_code == 404
    assert b"private" not in response.content


def test_a_file_that_is_not_a_picture_is_downloaded_not_shown(store, union):
    name = default_storage.save("club/articles/page.html", ContentFile(b"<script>x</script>"))

    response = Client().get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_profile_picture_from_the_settings_page_is_served_through_the_portal(
    store, member_client, insured
):
    picture = SimpleUploadedFile("me.png", image_bytes("PNG", size=(300, 300)), "image/png")
    response = member_client.post(
        "/notices/settings/profile/", {"nickname": "たろう", "image": picture}
    )
    assert response.status_code == 302
    profile = Profile.objects.get(person=insured.person)
    if store is not None:
        assert store.keys() == [f"public/{profile.image.name}"]

    served = Client().get(profile.image.url)

    assert profile.image.url.startswith("/media/profiles/")
    assert served.status_code == 200
    assert _body(served)[:8] == b"\x89PNG\r\n\x1a\n"
