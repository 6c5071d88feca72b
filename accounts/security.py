"""The member's security log (セキュリティ履歴): what happened to their own account."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts import queries
from accounts.lockout import describe_browser, format_datetime
from accounts.models import SecurityEvent
from kosmo.access import member_required

_RESULTS = {
    SecurityEvent.Kind.LOGIN_FAILED: _("失敗"),
    SecurityEvent.Kind.LOCKED_TEMPORARILY: _("ロック"),
    SecurityEvent.Kind.LOCKED_PERMANENTLY: _("ロック"),
}
_SUCCEEDED = _("成功")


@dataclass(frozen=True)
class LogRow:
    """One line of the log, as the member reads it."""

    at: str
    kind: str
    browser: str
    ip_address: str
    result: str
    by_union: bool
    failed: bool


def _row(event: SecurityEvent) -> LogRow:
    # Steps taken by union staff show as the union's, without the staff member's address.
    by_union = event.actor_id is not None
    return LogRow(
        at=format_datetime(event.created_at),
        kind=event.get_kind_display(),
        browser="" if by_union else describe_browser(event.user_agent),
        ip_address="" if by_union else (event.ip_address or ""),
        result=str(_RESULTS.get(event.kind, _SUCCEEDED)),
        by_union=by_union,
        failed=event.kind in _RESULTS,
    )


@member_required
def security_log(request: HttpRequest) -> HttpResponse:
    """The last 50 events of the signed-in account, newest first."""
    rows = [_row(event) for event in queries.security_log(request.user)]
    return render(request, "accounts/security_log.html", {"rows": rows})
