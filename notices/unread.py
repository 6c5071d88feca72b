"""The unread counts on 🔔 and ✉, cached so the header costs no SQL on a warm cache.

A member's counts are stored with the three versions they were computed under: the
service-wide one (bumped when a notice for every union is saved), the union's (bumped when a
union notice or a broadcast MY mail is published) and the member's own (bumped when they get a
MY mail or read something). Counts stored under other versions than the current ones are
recomputed; nothing has to be deleted.
A notice entering or leaving its publish window changes no version, so a cached count
expires at the next window boundary the cold query found.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kosmo.models import Person

MAX_TTL = 600

GLOBAL_KEY = "notices:v:global"


def _union_key(union_id: int) -> str:
    return f"notices:v:union:{union_id}"


def _person_key(person_id: int) -> str:
    return f"notices:v:person:{person_id}"


def _bump(key: str) -> None:
    """Change a version now and again when the transaction commits: a page computed from the
    not yet committed state in between cannot leave a stale count behind."""
    cache.set(key, uuid.uuid4().hex[:12], None)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex[:12], None))


def bump_global() -> None:
    _bump(GLOBAL_KEY)


def bump_union(union_id: int) -> None:
    _bump(_union_key(union_id))


def bump_person(person_id: int) -> None:
    _bump(_person_key(person_id))


@dataclass(frozen=True)
class UnreadCounts:
    news: int
    mail: int


class _Count(Func):
    function = "COUNT"


class _Min(Func):
    function = "MIN"


def _count(queryset) -> Coalesce:
    return Coalesce(Subquery(queryset.order_by().annotate(n=_Count(F("pk"))).values("n")[:1]), 0)


def _first(queryset, field: str) -> Subquery:
    return Subquery(queryset.order_by().annotate(m=_Min(F(field))).values("m")[:1])


def _query(person_id: int, union_id: int, now: datetime) -> tuple[UnreadCounts, int]:
    """One SQL query: both counts and when the next notice window opens or closes."""
    from notices.models import Message, Notice, NoticeRead

    notices = Notice.objects.for_union(union_id)
    unread_news = notices.published(now).exclude(
        pk__in=NoticeRead.objects.filter(person_id=person_id).values("notice_id")
    )
    unread_mail = Message.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
    row = (
        Person.objects.filter(pk=person_id)
        .values(
            news=_count(unread_news),
            mail=_count(unread_mail),
            opens=_first(notices.filter(publish_from__gt=now), "publish_from"),
            closes=_first(notices.filter(publish_until__gt=now), "publish_until"),
        )
        .first()
    )
    if row is None:
        return UnreadCounts(0, 0), MAX_TTL
    ttl = MAX_TTL
    for boundary in (row["opens"], row["closes"]):
        if boundary is not None:
            ttl = min(ttl, max(1, int((boundary - now).total_seconds()) + 1))
    return UnreadCounts(row["news"], row["mail"]), ttl


def _cache_keys(person_id: int, union_id: int) -> tuple[list[str], str]:
    return [GLOBAL_KEY, _union_key(union_id), _person_key(person_id)], f"notices:unread:{person_id}"


def unread_counts(person_id: int, union_id: int) -> UnreadCounts:
    """The member's unread お知らせ and MY mail: from the cache in one round trip (the three
    versions and the counts, which carry the versions they were computed under), or one query
    when cold or when a version changed since."""
    version_keys, counts_key = _cache_keys(person_id, union_id)
    found = cache.get_many([*version_keys, counts_key])
    missing = {key: uuid.uuid4().hex[:12] for key in version_keys if key not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    versions = tuple(found[key] for key in version_keys)
    cached = found.get(counts_key)
    if cached is not None and not missing and tuple(cached[0]) == versions:
        return UnreadCounts(*cached[1:])
    counts, ttl = _query(person_id, union_id, timezone.now())
    # Counts computed from a transaction's state before its commit carry the version of
    # before the commit's bump (_bump), so they are never taken for the committed state.
    cache.set(counts_key, (versions, counts.news, counts.mail), ttl)
    return counts


__all__ = [
    "UnreadCounts",
    "bump_global",
    "bump_person",
    "bump_union",
    "unread_counts",
]
