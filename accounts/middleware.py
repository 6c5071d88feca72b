"""Per-request account rules: the first-login journey gate and the idle timeout."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import flows

# Pages a member may open while first-login steps are pending.
_OPEN_PREFIXES = ("/static/", "/media/", "/admin/", "/healthz", "/branding.css")
_OPEN_URL_NAMES = ("account_logout", "accounts:email_verified", "accounts:keepalive")
_OPEN_URL_NAMES += ("notices:guide", "notices:faq")  # help, public, so also mid-journey
LAST_ACTIVITY = "kosmo_last_activity"
_TOUCH_EVERY = dt.timedelta(seconds=60)


class FirstLoginMiddleware:
    """A member with pending first-login steps (or new terms) sees only the next step.

    Checked on each request until the session has passed every step once; after that the
    session is marked and only compares its terms with the union's terms in force (cached),
    so terms published later lead to 「同意する」 at the session's next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: set[str] | None = None

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.member is not None
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith("/accounts/confirm-email/")
            and not flows.journey_done(request)
        ):
            step = flows.pending_step(user)
            # A step's pages may live below its URL (each method's setup under /mfa/setup/).
            if (
                step is not None
                and not request.path.startswith(step.url)
                and request.path not in self.open_paths
            ):
                return redirect(step.url)
        return self.get_response(request)

    @property
    def open_paths(self) -> set[str]:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in _OPEN_URL_NAMES}
        return self._open_paths


def touch_session(request, *, now: dt.datetime, force: bool = False) -> None:
    """Record activity; written at most once a minute so pages don't all save the session."""
    last = request.session.get(LAST_ACTIVITY)
    if force or last is None or now.timestamp() - last >= _TOUCH_EVERY.total_seconds():
        request.session[LAST_ACTIVITY] = now.timestamp()


def idle_timeout_seconds(request) -> int | None:
    """The idle limit for this session, or None when 「ログイン状態の保存」 was chosen."""
    if not request.user.is_authenticated or not request.session.get_expire_at_browser_close():
        return None
    union = getattr(request, "union", None)
    return (union.idle_timeout_minutes if union else 30) * 60


class IdleTimeoutMiddleware:
    """Signs out a session that was not used for the union's idle timeout (default 30 min).

    Sessions kept with 「ログイン状態の保存」 last SESSION_COOKIE_AGE instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = idle_timeout_seconds(request)
        if limit is not None:
            now = timezone.now()
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and now.timestamp() - last > limit:
                logout(request)
                messages.info(request, _("一定時間操作がなかったため、ログアウトしました。"))
                return redirect_to_login(request.get_full_path())
            touch_session(request, now=now)
        return self.get_response(request)
