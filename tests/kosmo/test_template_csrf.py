"""kosmo.template_csrf: the token it writes is one Django's middleware accepts, fresh on every
form, uniform over Django's alphabet; without a secret from the browser it is Django's tag."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _unmask_cipher_token,
)
from django.template import Engine, RequestContext, engines
from django.test import Client, RequestFactory

from kosmo.template_csrf import mask_secret

SECRET = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def test_the_token_unmasks_to_the_secret_with_djangos_own_function():
    tokens = {mask_secret(SECRET) for _ in range(200)}
    assert len(tokens) == 200  # a fresh mask every time
    for token in tokens:
        assert len(token) == 2 * CSRF_SECRET_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == SECRET


def test_the_mask_is_spread_over_the_whole_alphabet():
    counts = Counter("".join(mask_secret(SECRET)[:CSRF_SECRET_LENGTH] for _ in range(2000)))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # about 1,032 each
    assert all(0.8 * expected < n < 1.2 * expected for n in counts.values())


ENGINE = Engine(builtins=["kosmo.template_csrf"])


def _render(request):
    return ENGINE.from_string("{% csrf_token %}").render(RequestContext(request, {}))


def test_with_the_browsers_secret_it_masks_that_secret_and_renews_the_cookie():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = SECRET
    token = TOKEN.search(_render(request)).group(1)
    assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_without_one_it_is_djangos_tag_making_a_new_secret():
    request = RequestFactory().get("/")
    token = TOKEN.search(_render(request)).group(1)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_the_portals_templates_use_it():
    assert "kosmo.template_csrf" in engines["django"].engine.builtins


@pytest.mark.django_db
def test_a_form_posted_with_its_token_passes_the_middleware_and_a_forged_one_does_not(union):
    browser = Client(enforce_csrf_checks=True)
    first = browser.get("/accounts/login/")  # sets the cookie, as the login form does
    assert first.status_code == 200
    page = browser.get("/accounts/login/")  # the second page: masked by this tag
    token = TOKEN.search(page.content.decode()).group(1)
    assert _unmask_cipher_token(token) == browser.cookies["csrftoken"].value
    answer = browser.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": "nobody", "password": "wrong"},
    )
    assert answer.status_code == 200  # the form's own answer (wrong password), not 403
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    refused = browser.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": forged, "login": "nobody", "password": "wrong"},
    )
    assert refused.status_code == 403
