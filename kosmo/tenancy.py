"""Which union a request is for: by host name, else the deployment's default union."""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.request import split_domain_port

from kosmo.models import Union

# Every request needs its union; they change rarely. Each process keeps its answers for a
# short while (and forgets them at once when a union is saved in this process).
CACHE_SECONDS = 30
_cache: dict[tuple[str, str], tuple[float, Union | None]] = {}


def resolve_union(request: HttpRequest) -> Union | None:
    """The union whose portal this host serves.

    An exact `Union.domain` match wins; otherwise KOSMO_DEFAULT_UNION (a slug), or the only
    union of a single-union deployment. None when nothing matches.
    """
    host, _port = split_domain_port(request.get_host())
    key = (host, settings.KOSMO_DEFAULT_UNION)
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    union = _lookup(host)
    _cache[key] = (now + CACHE_SECONDS, union)
    return union


def _lookup(host: str) -> Union | None:
    union = Union.objects.filter(domain=host).first() if host else None
    if union is not None:
        return union
    if settings.KOSMO_DEFAULT_UNION:
        return Union.objects.filter(slug=settings.KOSMO_DEFAULT_UNION).first()
    candidates = list(Union.objects.all()[:2])
    return candidates[0] if len(candidates) == 1 else None


@receiver(post_save, sender=Union)
@receiver(post_delete, sender=Union)
def forget_unions(**kwargs) -> None:
    _cache.clear()


def belongs_to(user, union: Union | None) -> bool:
    """Whether this signed-in account may use the portal of `union`.

    A deployment-wide superuser (no union) may use any; everybody else only their own.
    """
    if user.is_superuser and user.union_id is None:
        return True
    return union is not None and user.union_id == union.pk
