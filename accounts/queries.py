"""The read side of accounts."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
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


# The id of the terms in force per union, read by every signed-in request (accounts.flows):
# kept in the cache framework, dropped when a version is saved or deleted (forget_terms), and
# recomputed when a version published for later comes into force. Kept ten minutes at most: a
# version saved while Redis was unavailable (forget_terms lost) is asked for that much later.
TERMS_CACHE_KEY = "accounts:terms-in-force:{union_id}"
TERMS_CACHE_SECONDS = 10 * 60


def terms_in_force_id(union: Union | None) -> int | None:
    """The id of `union`'s terms in force (None without any), usually without a query."""
    if union is None:
        return None
    key = TERMS_CACHE_KEY.format(union_id=union.pk)
    now = timezone.now()
    cached = cache.get(key)
    if cached is not None:
        terms_id, next_publication = cached
        if next_publication is None or now < dt.datetime.fromisoformat(next_publication):
            return terms_id
    current = current_terms(union)
    upcoming = (
        TermsVersion.objects.filter(union=union, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    terms_id = current.pk if current is not None else None
    cache.set(
        key,
        (terms_id, upcoming.isoformat() if upcoming is not None else None),
        TERMS_CACHE_SECONDS,
    )
    return terms_id


def forget_terms(*, union_id: int) -> None:
    """A version of the union's terms changed: the next request reads them again."""
    cache.delete(TERMS_CACHE_KEY.format(union_id=union_id))


def on_terms_changed(sender, instance: TermsVersion, **kwargs) -> None:
    """Receiver of post_save / post_delete for TermsVersion (connected in AccountsConfig)."""
    forget_terms(union_id=instance.union_id)


def terms_to_accept(user: User) -> TermsVersion | None:
    """The version in force when this member has not yet consented to it."""
    terms = current_terms(user.union)
    if terms is None or terms.consents.filter(user=user).exists():
        return None
    return terms


def member_accounts(union: Union | None) -> QuerySet[User]:
    """Active member accounts of `union` (never staff, never another union; none without)."""
    return User.objects.filter(union=union, person__isnull=False, is_active=True)


def security_log(user: User, *, limit: int = 50) -> QuerySet[SecurityEvent]:
    """The member's own recent security events, newest first."""
    return (
        SecurityEvent.objects.filter(user=user)
        .select_related("person")
        .order_by("-created_at", "-pk")[:limit]
    )
