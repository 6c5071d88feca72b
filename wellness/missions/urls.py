"""Included by wellness/urls.py under the `wellness:` namespace (names start missions)."""

from django.urls import path

from wellness.missions import views

urlpatterns = [
    path("", views.index, name="missions"),
    path("lottery/", views.lottery, name="missions_lottery"),
    path("monthly/", views.monthly, name="missions_monthly"),
    path("scratch/", views.scratch, name="missions_scratch"),
    path("scratch/cell/", views.scratch_cell, name="missions_scratch_cell"),
    path("scratch/roulette/", views.roulette, name="missions_roulette"),
]
