"""The first-login journey (ACC-2) and terms re-consent (ACC-12): steps a signed-in member
must complete, in order, before any portal page opens.

Each step knows from the account's own fields whether it is pending, so the journey resumes
at the right step after a logout, on another device, or after a double submit. Other apps add
steps with `register_step` (the mfa app adds second-factor setup after the password step).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import queries
from accounts.models import User
from accounts.services import finish_first_login, has_verified_email


@dataclass(frozen=True)
class Step:
    name: str
    url_name: str
    is_pending: Callable[[User], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


STEPS: list[Step] = [
    Step(
        "identity", "accounts:first_login_identity", lambda user: user.identity_verified_at is None
    ),
    Step("terms", "accounts:terms", lambda user: queries.terms_to_accept(user) is not None),
    Step("email", "accounts:first_login_email", lambda user: not has_verified_email(user)),
    Step("user_id", "accounts:first_login_user_id", lambda user: user.user_id_chosen_at is None),
    Step("password", "accounts:first_login_password", lambda user: user.must_change_password),
]

# Where the mfa app hooks in the second-factor setup: it calls register_step(...,
# after="password") from its AppConfig.ready(). Until then the journey ends with the password.
SECOND_FACTOR_STEP_AFTER = "password"


def register_step(step: Step, *, after: str) -> None:
    """Insert a step after the named one (idempotent)."""
    if any(existing.name == step.name for existing in STEPS):
        return
    index = next(i for i, existing in enumerate(STEPS) if existing.name == after)
    STEPS.insert(index + 1, step)


def pending_step(user: User) -> Step | None:
    """The first step the member still has to complete, or None when the portal is open."""
    if not user.is_authenticated or user.person_id is None:
        return None
    for step in STEPS:
        if step.is_pending(user):
            return step
    return None


# --- Hooks the mfa app fills in (accounts never imports it) --------------------------------------

# allauth login stages run after the password (mfa adds the second-factor stage).
LOGIN_STAGES: list[str] = []
# Sections of the 「ログイン方法変更」 page after 基本認証: (template name, context function).
LOGIN_METHOD_SECTIONS: list[tuple[str, Callable[[HttpRequest], dict]]] = []
# Where choosing 認証方法 in the profile sends a member who has no such device yet (MFA-8).
method_setup_url: Callable[[User, str], str | None] = lambda user, method: None  # noqa: E731
# The page that re-authenticates (MFA-9); mfa replaces the password-only page.
REAUTHENTICATE_URL_NAME = "account_reauthenticate"

# --- Re-authentication (MFA-9) -------------------------------------------------------------------

REAUTHENTICATED_AT = "kosmo_reauthenticated_at"


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTHENTICATED_AT] = time.time()


def recently_reauthenticated(request: HttpRequest) -> bool:
    """Whether the member proved it is them within MFA_REAUTHENTICATION_SECONDS."""
    at = request.session.get(REAUTHENTICATED_AT)
    return at is not None and time.time() - at <= settings.MFA_REAUTHENTICATION_SECONDS


def redirect_to_reauthenticate(next_url: str):
    """Re-authenticate, then come back to `next_url`."""
    query = urlencode({"next": next_url})
    return redirect(f"{reverse(REAUTHENTICATE_URL_NAME)}?{query}")


def reauthentication_required(view):
    """Guard a sensitive page (e-mail, password, second factors): re-authenticate first,
    then come back to it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not recently_reauthenticated(request):
            return redirect_to_reauthenticate(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


JOURNEY_DONE = "kosmo_journey_done"
# The terms in force when this session last passed every step (0: the union had none). A
# version published later makes the session check again, so the member consents at the next
# request, also in a session kept for 14 days with 「ログイン状態の保存」.
TERMS_CHECKED = "kosmo_terms_checked"


def _terms_in_force(request: HttpRequest) -> int:
    return queries.terms_in_force_id(getattr(request, "union", None)) or 0


def finish(request: HttpRequest) -> bool:
    """Nothing is pending: open the portal for this session (no more checks until the union
    publishes new terms) and drop the temporary-ID flag. True when this completed a first
    login."""
    request.session[JOURNEY_DONE] = True
    request.session[TERMS_CHECKED] = _terms_in_force(request)
    completed = finish_first_login(user=request.user)
    if completed:
        messages.success(request, _("初回ログインの設定が完了しました。"))
    return completed


def journey_done(request: HttpRequest) -> bool:
    """Whether this session has already passed every step (checked once per login, and
    again when the union's terms in force change; that costs no query while they don't)."""
    session = request.session
    if session.get(JOURNEY_DONE) and session.get(TERMS_CHECKED) == _terms_in_force(request):
        return True
    if pending_step(request.user) is None:
        finish(request)
        return True
    return False
