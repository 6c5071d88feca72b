"""The read side of accounts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import SecurityEvent, TermsVersion, User
from kosmo.models import Union


def current_terms(union: Union | None) -> TermsVersion | None:
    """The union's terms of use in force: the newest version published by now."""
    if union is None:
        return None
    return (
        TermsVersion.objects.filter(union=union, published_at__lte=timezone.now())
        .order_by("-published_at", "-pk")
        .first()
    )


def terms_to_accept(user: User) -> TermsVersion | None:
    """The version in force when this member has not yet consented to it."""
    terms = current_terms(user.union)
    if terms is None or terms.consents.filter(user=user).exists():
        return None
    return terms


def security_log(user: User, *, limit: int = 50) -> QuerySet[SecurityEvent]:
    """The member's own recent security events, newest first."""
    return (
        SecurityEvent.objects.filter(user=user)
        .select_related("person")
        .order_by("-created_at", "-pk")[:limit]
    )
