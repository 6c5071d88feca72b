"""The portal without any `wellness:` pages."""

from kosmo.urls import urlpatterns as portal

urlpatterns = [p for p in portal if getattr(p, "namespace", None) != "wellness"]
