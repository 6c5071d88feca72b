"""Who may open a page: signed-in members, and only the services their union contracted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kosmo.features import get_feature

FEATURE_UNAVAILABLE_STATUS = 404


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in members only; anyone else is sent to the login page, staff get a 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.member is None:
            return render(request, "kosmo/members_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def signed_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any signed-in account, member or staff: second-factor setup and re-authentication,
    which staff need before /admin/ opens as much as members need them."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def feature_unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "kosmo/feature_unavailable.html", status=FEATURE_UNAVAILABLE_STATUS)


def feature_required(
    key: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The page belongs to the service `key`: a union without that contract gets the manual's
    「この機能はご利用いただけません」 page instead."""
    get_feature(key)  # fail at import time on a misspelt key

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            union = request.union
            if union is None or not union.has_feature(key):
                return feature_unavailable(request)
            return view(request, *args, **kwargs)

        # Which service the page belongs to, for middleware that reads it from the view (as
        # Django's own csrf_exempt / login_required marks): accounts.former_members.
        wrapped.feature_key = key
        return wrapped

    return decorator


def feature_of_view(view_func) -> str | None:
    """The service (feature key) a resolved view belongs to, or None for a page of no service
    (the TOP page, the account's pages, お知らせ): `feature_required` marks the function (the
    mark survives outer `functools.wraps` decorators), `FeatureRequiredMixin` the class."""
    key = getattr(view_func, "feature_key", None)
    if key is None:
        view_class = getattr(view_func, "view_class", None)
        key = getattr(view_class, "feature", None) or None
    return key


class MemberRequiredMixin:
    """Class-based views: the same rule as `member_required`."""

    def dispatch(self, request, *args, **kwargs):
        return member_required(super().dispatch)(request, *args, **kwargs)


class FeatureRequiredMixin:
    """Class-based views: set `feature = "<key>"`; the same rule as `feature_required`."""

    feature: str = ""

    def dispatch(self, request, *args, **kwargs):
        return feature_required(self.feature)(super().dispatch)(request, *args, **kwargs)


def month_or_404(year: int, month: int) -> dt.date:
    """The first day of a 年月 taken from a URL (``/…/2025/3/``); no such month is a 404 (a
    month 13, or a year too long for a date: OverflowError)."""
    try:
        return dt.date(year, month, 1)
    except (ValueError, OverflowError):
        raise Http404("no such month") from None
