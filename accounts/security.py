"""The member's security log (セキュリティ履歴): what happened to their own account."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import queries
from accounts.lockout import describe_browser, format_datetime
from accounts.models import SecurityEvent
from accounts.services import STAFF_LOOK_SUBJECTS
from kosmo.access import member_required

_RESULTS = {
    SecurityEvent.Kind.LOGIN_FAILED: gettext_lazy("失敗"),
    SecurityEvent.Kind.LOCKED_TEMPORARILY: gettext_lazy("ロック"),
    SecurityEvent.Kind.LOCKED_PERMANENTLY: gettext_lazy("ロック"),
    SecurityEvent.Kind.STAFF_VIEWED: gettext_lazy("閲覧"),
}
_SUCCEEDED = gettext_lazy("成功")
_FAILURES = {
    SecurityEvent.Kind.LOGIN_FAILED,
    SecurityEvent.Kind.LOCKED_TEMPORARILY,
    SecurityEvent.Kind.LOCKED_PERMANENTLY,
}


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


def _kind(event: SecurityEvent, member_id: int | None) -> str:
    if event.kind != SecurityEvent.Kind.STAFF_VIEWED:
        return event.get_kind_display()
    subject = STAFF_LOOK_SUBJECTS.get(event.detail, "")
    if event.person_id is None or event.person_id == member_id:
        return _("組合の担当者があなたの%(subject)sを閲覧しました") % {"subject": subject}
    return _("組合の担当者が%(name)sさんの%(subject)sを閲覧しました") % {
        "name": event.person.full_name,
        "subject": subject,
    }


def _row(event: SecurityEvent, member_id: int | None) -> LogRow:
    # Steps taken by union staff show as the union's, without the staff member's address
    # or name.
    by_union = event.actor_id is not None
    return LogRow(
        at=format_datetime(event.created_at),
        kind=_kind(event, member_id),
        browser="" if by_union else describe_browser(event.user_agent),
        ip_address="" if by_union else (event.ip_address or ""),
        result=str(_RESULTS.get(event.kind, _SUCCEEDED)),
        by_union=by_union,
        failed=event.kind in _FAILURES,
    )


@member_required
def security_log(request: HttpRequest) -> HttpResponse:
    """The last 50 events of the signed-in account, newest first."""
    member_id = request.user.person_id
    rows = [_row(event, member_id) for event in queries.security_log(request.user)]
    return render(request, "accounts/security_log.html", {"rows": rows})
