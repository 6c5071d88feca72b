from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from kosmo import views

# Staff sign in through the same login as members: lockout, rate limits and (later) the
# second factor apply to /admin/ too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "KOSMO Web 管理"
admin.site.site_title = "KOSMO Web 管理"
admin.site.index_title = "管理メニュー"

# A request refused as malformed (e.g. an unknown Host header): the Japanese page, no traceback.
handler400 = "kosmo.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("branding.css", views.branding_css, name="branding_css"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("documents/<int:pk>/", views.document_status, name="document_status"),
    path("documents/<int:pk>/status/", views.document_status_json, name="document_status_json"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/retry/", views.document_retry, name="document_retry"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("mfa/", include("mfa.urls")),
    path("medical/", include("medical.urls")),
    path("eligibility/", include("eligibility.urls")),
    path("dependents/", include("dependents.urls")),
    path("notices/", include("notices.urls")),
    path("benefits/", include("benefits.urls")),
    path("checkup/", include("checkup.urls")),
    path("wellness/", include("wellness.urls")),
    path("admin/", admin.site.urls),
    # Public media only (logos, profile images), from STORAGES["default"] (a local folder or
    # the bucket); private media has its own authorising views.
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.media, name="media"),
]
