from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from kosmo.storage import StoreUnavailable
from kosmo.tenancy import belongs_to, resolve_union
from kosmo.views import bad_request

# What a host that no union serves still answers: the operator's way into /admin/ (sign-in and
# its second factor; a new deployment has no union yet), the health checks (a load balancer may
# use any allowed host name) and what those pages load.
SERVED_WITHOUT_UNION = (
    "/admin/",
    "/accounts/",
    "/mfa/",
    "/healthz",
    "/readyz",
    "/branding.css",
    "/" + settings.MEDIA_URL.lstrip("/"),
)

STORE_RETRY_AFTER_SECONDS = 60


class UnionMiddleware:
    """Sets `request.union` (the tenant of this host) and `request.member` (their Person).

    A host that no union serves (and no KOSMO_DEFAULT_UNION) is a bad request, like a host
    outside ALLOWED_HOSTS, except for SERVED_WITHOUT_UNION. A signed-in account of another
    union is signed out and refused: a session never crosses from one union's portal to
    another's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.union = resolve_union(request)
        if request.union is None and not request.path.startswith(SERVED_WITHOUT_UNION):
            return bad_request(request)
        user = request.user
        if user.is_authenticated and not belongs_to(user, request.union):
            logout(request)
            return render(request, "kosmo/wrong_union.html", status=403)
        request.member = user.person if user.is_authenticated and user.person_id else None
        if request.member is not None and request.member.household.union_id == request.union.pk:
            # The union is already loaded: `member.household.union` costs no query.
            request.member.household.union = request.union
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Adds the site's Content-Security-Policy: no inline script or style, nothing off-site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class PrivateCacheMiddleware:
    """Marks every response to a signed-in account ``Cache-Control: private, no-store``: its
    pages carry personal data (claims, results, addresses) that no browser history, shared
    proxy or back-button cache may keep. Anonymous pages, static files and a view that
    declared itself ``public`` (the union's branding.css: the same for everyone) keep their
    headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _declared_public(response):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _declared_public(response) -> bool:
    directives = response.get("Cache-Control", "").split(",")
    return "public" in {directive.split("=")[0].strip().lower() for directive in directives}


class StoreUnavailableMiddleware:
    """A file the store cannot give or take right now (kosmo.storage.StoreUnavailable):
    the portal's Japanese 503 page, not a traceback. Views that take an upload catch it
    themselves and show their form again with what the member entered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StoreUnavailable):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(STORE_RETRY_AFTER_SECONDS)
        return response
