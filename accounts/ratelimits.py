"""Rate limits while Redis is unavailable: each one fails open or closed (README, "Operations").

allauth counts requests in the cache. With Redis unavailable its count cannot be taken, and
allauth then refuses (after waiting a second for its lock): every limit fails closed unless
decided here. A limit fails open where something kept in PostgreSQL bounds the same abuse:

- login_failed (per address): the per-account lockout (accounts.lockout) still counts every
  wrong password, so guessing stays at five tries an account (AccountAdapter.pre_authenticate).
  allauth's "login" limit is not used (settings: its decorator cannot fail open).
- mfa_verify: django-otp's throttle, stored on the device row, doubles the wait after each
  wrong code.

Every other limit fails closed: those that send mail (a password reset, the user ID reminder,
e-mail changes, codes by mail, the dependents' inquiry: their mail is queued through the same
Redis) and the few password checks of a signed-in member (reauthentication, password change).
"""

from __future__ import annotations

import time

from allauth.core import ratelimit
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.adapter import AccountAdapter
from kosmo import outage

FAIL_OPEN = frozenset({"login_failed", "mfa_verify"})

RATE_LIMITED = AccountAdapter.error_messages["rate_limited"]
UNAVAILABLE = _(
    "ただいまこのお手続きを受け付けられません。しばらく時間をおいてから、もう一度お試しください。"
)


def refusal(request: HttpRequest, *, action: str, **kwargs) -> str | None:
    """None when the request may go on (allauth's `ratelimit.consume` counted it); else what it
    is told: the limit, or, while Redis is unavailable, that the service is briefly unavailable
    (limits in FAIL_OPEN then let it go on, uncounted)."""
    started = time.monotonic()
    if not outage.redis_unavailable() and ratelimit.consume(request, action=action, **kwargs):
        return None
    if outage.redis_failed_since(started):  # Redis, not the count, refused
        return None if action in FAIL_OPEN else UNAVAILABLE
    return RATE_LIMITED


def within(request: HttpRequest, *, action: str, **kwargs) -> bool:
    """Whether the request may go on (see `refusal`)."""
    return refusal(request, action=action, **kwargs) is None
