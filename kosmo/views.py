from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The top page: the welcome for visitors, the service icons for a signed-in member."""
    if request.union is None:
        raise Http404("no union is served at this host")
    return render(request, "kosmo/home.html")


@require_GET
@cache_control(public=True, max_age=300)
def branding_css(request: HttpRequest) -> HttpResponse:
    """The union's colours as CSS custom properties: a stylesheet, so the CSP allows no inline
    style."""
    color = request.union.brand_color if request.union else "#0b5cab"
    return HttpResponse(f":root{{--brand:{color};}}\n", content_type="text/css; charset=utf-8")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and compose healthchecks; also the benchmarks' trivial view."""
    return HttpResponse("ok", content_type="text/plain")
