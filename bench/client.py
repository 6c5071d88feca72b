"""Talking to the portal like a browser, once, to set up a benchmark: signing in a member.

Only the standard library; only the served host is contacted.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOGIN_PATH = "/accounts/login/"
LOGOUT_PATH = "/accounts/logout/"


class SignInError(RuntimeError):
    """The member could not be signed in, or the session does not work."""


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


def cookie_header(cookies: dict[str, str]) -> str:
    """The value of a ``Cookie`` request header carrying ``cookies``."""
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in(host: str, port: int, username: str, password: str) -> dict[str, str]:
    """Sign ``username`` in through the login form; the cookies of the new session.

    Promises that the result holds a ``sessionid`` and that ``GET /`` with it renders the
    signed-in top page (it links to the logout page). Raises SignInError otherwise.
    """
    form_page = fetch(host, port, LOGIN_PATH)
    if form_page.status != 200:
        raise SignInError(f"GET {LOGIN_PATH} answered {form_page.status}")
    token = _csrf_form_token(form_page.body)
    if not token or "csrftoken" not in form_page.cookies:
        raise SignInError(f"GET {LOGIN_PATH} gave no CSRF cookie and form token")
    cookies = dict(form_page.cookies)
    answer = fetch(
        host,
        port,
        LOGIN_PATH,
        cookies=cookies,
        method="POST",
        form={"login": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"http://{host}:{port}{LOGIN_PATH}"},
    )
    cookies.update(answer.cookies)
    if answer.status != 302 or not cookies.get("sessionid"):
        raise SignInError(
            f"POST {LOGIN_PATH} as {username!r} answered {answer.status} "
            f"(expected 302 with a sessionid cookie)"
        )
    home = fetch(host, port, "/", cookies={"sessionid": cookies["sessionid"]})
    if home.status != 200 or LOGOUT_PATH not in home.body:
        raise SignInError(f"GET / with {username!r}'s session is not the signed-in top page")
    return cookies


class _TokenFinder(HTMLParser):
    """Finds the value of the first ``<input name="csrfmiddlewaretoken">``."""

    def __init__(self) -> None:
        super().__init__()
        self.token = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if not self.token and tag == "input" and values.get("name") == "csrfmiddlewaretoken":
            self.token = values.get("value") or ""


def _csrf_form_token(html: str) -> str:
    finder = _TokenFinder()
    finder.feed(html)
    return finder.token
