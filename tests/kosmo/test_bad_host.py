"""A Host header the deployment does not serve: 400 with the Japanese page, no traceback."""

import logging

import pytest

from tests import factories

BAD_REQUEST = "リクエストが正しくありません"


def _errors(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info or r.exc_text]


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/admin/", "/medical/latest/", "/healthz"]
)
def test_a_host_outside_allowed_hosts_is_a_bad_request_without_a_traceback(
    client, union, caplog, path
):
    response = client.get(path, HTTP_HOST="evil.example")

    assert response.status_code == 400
    html = response.content.decode()
    assert BAD_REQUEST in html and '<html lang="ja">' in html
    assert "URLや入力内容をご確認のうえ、もう一度お試しください。" in html
    assert _errors(caplog) == []
    [refused] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert refused.levelname == "WARNING"
    assert refused.getMessage().startswith("Invalid HTTP_HOST header: 'evil.example'.")


@pytest.mark.parametrize("path", ["/", "/medical/latest/", "/notices/", "/documents/1/"])
def test_an_allowed_host_that_no_union_serves_is_a_bad_request(client, settings, caplog, db, path):
    factories.UnionFactory(domain="kenpo-a.example")
    factories.UnionFactory(domain="kenpo-b.example")
    settings.KOSMO_DEFAULT_UNION = None

    response = client.get(path, HTTP_HOST="localhost")

    assert response.status_code == 400
    assert BAD_REQUEST in response.content.decode()
    assert _errors(caplog) == []


@pytest.mark.parametrize(
    ("path", "status"),
    [("/healthz", 200), ("/accounts/login/", 200), ("/admin/", 302), ("/branding.css", 200)],
)
def test_without_a_union_the_operators_way_into_admin_still_opens(client, db, path, status):
    # A new deployment has no union yet: the superuser signs in and creates the first.
    assert client.get(path, HTTP_HOST="localhost").status_code == status
