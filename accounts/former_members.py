"""What 資格喪失 does to an account (the rule itself is kosmo.membership).

- At sign-in, a closed account (past the union's window and any extension) is refused with a
  message naming the union's contact, after the password has proved right (like a lock).
- A session of an account that has since closed is signed out at its next request and shown
  the same message (`FormerMemberMiddleware`).
- A former member inside the window reads their history; a view that starts something new
  (a survey, points) is wrapped in `active_member_required` and shows them why not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.lockout import union_contact
from kosmo import membership
from kosmo.membership import Standing

CLOSED_STATUS = 403
READ_ONLY_STATUS = 403


def closed_messages(user) -> list[str]:
    """The refusal of a closed account: why, and whom to call."""
    person = user.person
    ends = membership.access_ends_on(person)
    lines = [
        _(
            "資格喪失日（%(lost)s）から一定の期間（%(ends)s まで）を過ぎたため、"
            "このアカウントはご利用いただけなくなりました。"
        )
        % {"lost": _date(person.disqualified_on), "ends": _date(ends)}
    ]
    contact = union_contact(user.union)
    if contact:
        lines.append(_("お問い合わせ: %(contact)s") % {"contact": contact})
    return lines


def refuse_if_closed(user) -> None:
    """At sign-in, once the password was right: a ValidationError for a closed account."""
    if user.person_id and membership.standing(user.person) is Standing.CLOSED:
        raise ValidationError(closed_messages(user), code="account_closed")


class FormerMemberMiddleware:
    """Signs out a session whose account has closed since it signed in, and tells why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        member = getattr(request, "member", None)
        if member is not None and membership.standing(member) is Standing.CLOSED:
            lines = closed_messages(request.user)
            logout(request)
            return render(
                request, "accounts/account_closed.html", {"lines": lines}, status=CLOSED_STATUS
            )
        return self.get_response(request)


def active_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that starts something new (a survey, earning points): only for a member still
    covered. A former member sees why, and that their history stays readable."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = getattr(request, "member", None)
        if member is not None and not membership.may_start_new(member):
            return render(
                request,
                "accounts/former_member_read_only.html",
                {
                    "lost": _date(member.disqualified_on),
                    "history_until": _date(membership.history_until(member)),
                    "ends": _date(membership.access_ends_on(member)),
                },
                status=READ_ONLY_STATUS,
            )
        return view(request, *args, **kwargs)

    return wrapped


def _date(value) -> str:
    return formats.date_format(value, "Y年n月j日") if value else ""
