"""Pages for a signed-in account carry personal data: no cache may keep them (issue 17)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Staff screens and the public media files are not member pages.
NOT_MEMBER_PAGES = ("admin/", "media/")
CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x"}


def _routes(patterns, prefix=""):
    """Every path route of the URLconf, its converters filled with a sample value."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("^"):  # a regular expression route (the media files)
            continue
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield CONVERTER.sub(lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)


MEMBER_URLS = sorted(
    {
        "/" + route
        for route in _routes(get_resolver().url_patterns)
        if not route.startswith(NOT_MEMBER_PAGES)
    }
)


def test_the_walk_covers_the_member_sections():
    for url in ("/", "/medical/annual/", "/checkup/", "/benefits/", "/notices/mail/"):
        assert url in MEMBER_URLS
    assert any(url.startswith("/accounts/") for url in MEMBER_URLS)
    assert any(url.startswith("/dependents/") for url in MEMBER_URLS)
    assert any(url.startswith("/documents/") for url in MEMBER_URLS)
    assert "/eligibility/certificate/" in MEMBER_URLS


# The union's stylesheet is the same for everyone and declared public (kosmo.views).
PUBLIC_ON_PURPOSE = {"/branding.css"}


@pytest.mark.parametrize("url", [url for url in MEMBER_URLS if url not in PUBLIC_ON_PURPOSE])
def test_every_page_for_a_signed_in_member_is_private_and_not_stored(client, insured, url):
    client.force_login(insured)

    response = client.get(url)

    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control, (url, response.status_code)


def test_anonymous_pages_and_static_files_are_not_marked_private(client, union):
    for url in ("/medical/", "/static/css/portal.css"):
        response = client.get(url)
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_the_union_stylesheet_stays_public_for_a_signed_in_member(member_client):
    response = member_client.get("/branding.css")

    assert response["Cache-Control"] == "public, max-age=300"
