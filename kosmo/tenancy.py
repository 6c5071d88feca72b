"""Which union a request is for: by host name, else the deployment's default union."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port

from kosmo.models import Union


def resolve_union(request: HttpRequest) -> Union | None:
    """The union whose portal this host serves.

    An exact `Union.domain` match wins; otherwise KOSMO_DEFAULT_UNION (a slug), or the only
    union of a single-union deployment. None when nothing matches.
    """
    host, _port = split_domain_port(request.get_host())
    union = Union.objects.filter(domain=host).first() if host else None
    if union is not None:
        return union
    if settings.KOSMO_DEFAULT_UNION:
        return Union.objects.filter(slug=settings.KOSMO_DEFAULT_UNION).first()
    candidates = list(Union.objects.all()[:2])
    return candidates[0] if len(candidates) == 1 else None


def belongs_to(user, union: Union | None) -> bool:
    """Whether this signed-in account may use the portal of `union`.

    A deployment-wide superuser (no union) may use any; everybody else only their own.
    """
    if user.is_superuser and user.union_id is None:
        return True
    return union is not None and user.union_id == union.pk
