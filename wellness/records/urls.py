"""Included by wellness/urls.py under the `wellness:` namespace (names start with records)."""

from django.urls import path

from wellness.records import views

urlpatterns = [
    path("", views.index, name="records"),
    path("bulk/", views.bulk, name="records_bulk"),
    path("settings/", views.display_settings, name="records_settings"),
    path("items/<slug:key>/", views.item_detail, name="records_item"),
    path("items/<slug:key>/record/", views.record, name="records_record"),
    path("entries/<int:pk>/delete/", views.delete, name="records_delete"),
    path("import/", views.import_file, name="records_import"),
    path("import/<int:pk>/", views.import_status, name="records_import_status"),
]
