"""What 資格喪失 does to an account (the rule itself is kosmo.membership).

- At sign-in, a closed account (past the union's window and any extension) is refused with a
  message naming the union's contact, after the password has proved right (like a lock).
- A session of an account that has since closed is signed out at its next request and shown
  the same message (`FormerMemberMiddleware`).
- A former member inside the window reads their history (filtered up to their last covered
  day by the apps' member queries) and is told so on every page; a view that starts something
  new (a survey, points) is wrapped in `active_member_required` and shows them why not.
- Read-only is kept in one place, `FormerMemberMiddleware`: a former member's POST is refused
  with a Japanese message unless its URL is in `WRITABLE_WHEN_FORMER`.
- What they see is the union's choice (`Union.former_member_sees`, kosmo.membership.SIGHTS).
  When it shows only some services (「e-Taxデータと医療費のみ」), the same middleware refuses
  every other page — another service's, お知らせ, MYメール, settings — unless its URL is in
  `OPEN_TO_EVERY_FORMER_MEMBER`; the menu and the TOP page show only what is open
  (`kosmo.menu`, `former_member` below).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.lockout import union_contact
from kosmo import documents, membership
from kosmo.access import feature_of_view
from kosmo.features import FEATURES
from kosmo.membership import Standing
from kosmo.models import DocumentJob

CLOSED_STATUS = 403
READ_ONLY_STATUS = 403
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# What a former member may still post (by URL name): signing in and out with its second
# factor, the first-login steps and the terms (signing in needs them), their password, the
# idle-timeout keepalive, and a PDF of their history (a job row, read-like). Anything else —
# settings, e-mail, login methods, uploads, surveys, the 資格情報のお知らせ (it certifies a
# coverage they no longer have) — is refused.
WRITABLE_WHEN_FORMER = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "accounts:first_login_identity",
        "accounts:first_login_email",
        "accounts:first_login_user_id",
        "accounts:first_login_password",
        "accounts:terms",
        "accounts:change_password",
        "accounts:keepalive",
        "mfa:authenticate",
        "mfa:reauthenticate",
        "mfa:reauthenticate_factor",
        "medical:statement_pdf",
        "benefits:notice_pdf",
        "checkup:table_pdf",
        "document_retry",
    }
)
# Pages of no service a former member opens whatever the union shows them (by URL name):
# the TOP page and what every page loads (the union's colours and logo), signing in and out,
# the account's own pages and help. A page of a service is open when the service is
# (kosmo.membership.SIGHTS), a document's page when its service is (`DOCUMENT_PAGES`).
OPEN_TO_EVERY_FORMER_MEMBER = WRITABLE_WHEN_FORMER | {
    "home",
    "branding_css",
    "media",
    "healthz",
    "readyz",
    "accounts:profile",
    "accounts:login_methods",
    "accounts:security_log",
    "notices:guide",
    "notices:faq",
}
# The pages of one document (PDF) job: open when the job's service is (kosmo.documents).
DOCUMENT_PAGES = frozenset(
    {"document_status", "document_status_json", "document_download", "document_retry"}
)


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
    """Signs out a session whose account has closed since it signed in, and tells why; keeps
    a former member's account read-only (a POST outside `WRITABLE_WHEN_FORMER` is refused)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        member = getattr(request, "member", None)
        if member is None:
            return self.get_response(request)
        state = membership.standing(member)
        if state is Standing.CLOSED:
            lines = closed_messages(request.user)
            logout(request)
            return render(
                request, "accounts/account_closed.html", {"lines": lines}, status=CLOSED_STATUS
            )
        if (
            state is Standing.FORMER
            and request.method not in SAFE_METHODS
            and not _writable(request.path_info)
        ):
            return render(
                request,
                "accounts/former_member_read_only.html",
                {**read_only_context(member), "write": True},
                status=READ_ONLY_STATUS,
            )
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        """A former member of a union that shows only some services: any other page is
        refused with the services they may still open."""
        member = getattr(request, "member", None)
        seen = membership.services_seen(member) if member else None
        if seen is None:
            return None
        feature = feature_of_view(view_func)
        if feature in seen:
            return None
        view_name = request.resolver_match.view_name
        if view_name in DOCUMENT_PAGES:
            # A document (PDF) opens when the service it was made for is open (an unknown job
            # falls through to the page's own 404).
            kind = (
                DocumentJob.objects.filter(owner=request.user, pk=view_kwargs.get("pk"))
                .values_list("kind", flat=True)
                .first()
            )
            if kind is None or documents.feature_of(kind) in seen:
                return None
        elif feature is None and view_name in OPEN_TO_EVERY_FORMER_MEMBER:
            return None
        return render(
            request,
            "accounts/former_member_read_only.html",
            {**read_only_context(member), "hidden": True},
            status=READ_ONLY_STATUS,
        )


def _writable(path: str) -> bool:
    try:
        return resolve(path).view_name in WRITABLE_WHEN_FORMER
    except Resolver404:
        return False


def read_only_context(member) -> dict:
    """What a former member's notices name: the 喪失日, the last day of their history (empty
    when the union shows all of it), the last day they may sign in, and — when the union shows
    only some services — those services (`services`) and `limited`."""
    seen = membership.services_seen(member)
    shown = seen & member.household.union.enabled_feature_keys if seen is not None else set()
    return {
        "lost": _date(member.disqualified_on),
        "history_until": _date(membership.history_until(member)),
        "ends": _date(membership.access_ends_on(member)),
        "limited": seen is not None,
        "services": "、".join(str(feature.label) for feature in FEATURES if feature.key in shown),
    }


def former_member(request: HttpRequest) -> dict:
    """Context processor: `former_member` (the context above) for the banner on every page of
    a former member inside the window (and `former_member.limited` for the header and the TOP
    page); absent for everyone else."""
    member = getattr(request, "member", None)
    if member is None or member.disqualified_on is None:
        return {}
    if membership.standing(member) is not Standing.FORMER:
        return {}
    return {"former_member": read_only_context(member)}


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
                read_only_context(member),
                status=READ_ONLY_STATUS,
            )
        return view(request, *args, **kwargs)

    return wrapped


def _date(value) -> str:
    return formats.date_format(value, "Y年n月j日") if value else ""
