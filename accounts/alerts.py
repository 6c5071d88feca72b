"""Security mails to the member about changes to their own account (as the new-browser alert
in accounts.lockout): a password changed or reset, and — to the old address — an e-mail
address replaced. Each says when, from which browser, and whom to call if it was not them."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.lockout import describe_browser, format_datetime, union_contact
from accounts.models import User
from accounts.services import client_ip, user_agent
from kosmo.mail import send_templated_mail


def mask_email(email: str) -> str:
    """「ta***@example.jp」: enough for the member to recognise their new address."""
    local, _at, domain = email.rpartition("@")
    return f"{local[:2]}***@{domain}"


def _context(user: User, request: HttpRequest | None) -> dict:
    return {
        "user": user,
        "changed_at": format_datetime(timezone.now()),
        "browser": describe_browser(user_agent(request)) or _("不明"),
        "ip_address": client_ip(request) or _("不明"),
        "contact": union_contact(user.union),
        "reset_url": request.build_absolute_uri(reverse("account_reset_password"))
        if request is not None
        else "",
    }


def password_changed(*, user: User, request: HttpRequest | None) -> None:
    """Tell the member their password was changed (or reset through the mailed link)."""
    if not user.email:
        return
    send_templated_mail(
        to=[user.email],
        template="accounts/email/password_changed",
        context=_context(user, request),
        union=user.union,
    )


def email_changed(*, user: User, old_email: str, request: HttpRequest | None) -> None:
    """Tell the old address that the account now uses another one."""
    send_templated_mail(
        to=[old_email],
        template="accounts/email/email_changed",
        context={**_context(user, request), "new_email": mask_email(user.email)},
        union=user.union,
    )
