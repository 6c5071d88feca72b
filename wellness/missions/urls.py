"""Included by wellness/urls.py under the `wellness:` namespace."""

urlpatterns: list = []
