"""With STATIC_MANIFEST (the image, `make bench`), collectstatic writes fingerprinted,
compressed copies; pages link the fingerprinted names and WhiteNoise serves them compressed
with a year's Cache-Control."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def collected(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, **MANIFEST_STORAGES}
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


@pytest.mark.django_db
def test_pages_link_fingerprinted_stylesheets_served_compressed_for_a_year(collected):
    [hashed] = list((collected / "css").glob("portal.*.css"))
    assert re.fullmatch(r"portal\.[0-9a-f]{12}\.css", hashed.name)
    assert (collected / "css" / f"{hashed.name}.gz").exists()
    assert (collected / "css" / f"{hashed.name}.br").exists()

    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        page = client.get("/accounts/login/")
        assert f'href="/static/css/{hashed.name}"'.encode() in page.content

        served = client.get(f"/static/css/{hashed.name}", HTTP_ACCEPT_ENCODING="gzip, br")
        assert served.status_code == 200
        assert served["Content-Encoding"] == "br"
        assert served["Cache-Control"] == "max-age=315360000, public, immutable"
        # The plain name (not linked by any page) is not kept for long.
        plain = client.get("/static/css/portal.css")
        assert "immutable" not in plain["Cache-Control"]
