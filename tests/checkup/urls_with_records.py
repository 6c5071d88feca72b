"""The portal with a stand-in 日々の記録 page at `wellness:records` (WEL-1 may not exist yet)."""

from django.http import HttpResponse
from django.urls import include, path

from kosmo.urls import urlpatterns as portal

urlpatterns = [p for p in portal if getattr(p, "namespace", None) != "wellness"] + [
    path(
        "records-test/",
        include(([path("", lambda r: HttpResponse("records"), name="records")], "wellness")),
    )
]
