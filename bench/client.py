"""Talking to the portal like a browser, once, to set up a benchmark: checking that a member's
session opens the pages to be measured.

Members are not signed in through the login form: since every login needs a second factor
(mfa), the benchmarks use sessions created server-side (bench/synthetic.py ``sessions``), as
they are once the password and the second factor have been checked. Only the standard
library; only the served host is contacted.
"""

from __future__ import annotations

import http.client
import secrets
import string
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOGOUT_PATH = "/accounts/logout/"


class SignInError(RuntimeError):
    """The member's session does not open the page."""


@dataclass(frozen=True)
class Page:
    """A response read whole: status, the cookies it set, and its body as text."""

    status: int
    location: str
    cookies: dict[str, str]
    body: str


def fetch(
    host: str,
    port: int,
    path: str,
    cookies: dict[str, str] | None = None,
    method: str = "GET",
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Page:
    """One request on a fresh connection; redirects are returned, not followed."""
    all_headers = dict(headers or {})
    if cookies:
        all_headers["Cookie"] = cookie_header(cookies)
    body = None
    if form is not None:
        body = urlencode(form)
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return Page(
            status=response.status,
            location=response.getheader("Location", ""),
            cookies={name: morsel.value for name, morsel in jar.items()},
            body=text,
        )
    finally:
        conn.close()


def member_cookies(session_id: str) -> str:
    """The ``Cookie`` header of a signed-in member's browser: the session, and the CSRF cookie
    that the login form set (every member who signed in has one, so pages with a form only
    mask its secret; without it each would also make a new secret and set the cookie)."""
    alphabet = string.ascii_letters + string.digits  # Django's CSRF_ALLOWED_CHARS
    csrf_secret = "".join(secrets.choice(alphabet) for _ in range(32))
    return cookie_header({"sessionid": session_id, "csrftoken": csrf_secret})


def cookie_header(cookies: dict[str, str]) -> str:
    """The value of a ``Cookie`` request header carrying ``cookies``."""
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check_signed_in(host: str, port: int, path: str, session_id: str, host_header: str) -> None:
    """Check that ``GET path`` with the session ``session_id`` renders a signed-in page.

    Signed in means 200 and a link to the logout page (every page of the portal shell has one
    for a signed-in account). Raises SignInError otherwise, e.g. when the session is unknown
    to the server (a redirect to the login page) or a first-login step is still pending.
    """
    page = fetch(host, port, path, cookies={"sessionid": session_id}, headers={"Host": host_header})
    if page.status != 200:
        where = f" to {page.location}" if page.location else ""
        raise SignInError(f"GET {path} with the benchmark's session answered {page.status}{where}")
    if LOGOUT_PATH not in page.body:
        raise SignInError(f"GET {path} with the benchmark's session is not a signed-in page")
