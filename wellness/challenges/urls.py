"""Included by wellness/urls.py under the `wellness:` namespace (names start challenges)."""

from django.urls import path

from wellness.challenges import views

urlpatterns = [
    path("", views.index, name="challenges"),
    path("stages/<int:pk>/", views.stage, name="challenges_stage"),
    path("custom/", views.custom, name="challenges_custom"),
    path("record/", views.bulk, name="challenges_bulk"),
    path("<int:pk>/", views.detail, name="challenges_detail"),
    path("<int:pk>/record/", views.record, name="challenges_record"),
    path("<int:pk>/delete/", views.delete, name="challenges_delete"),
]
