"""Included by wellness/urls.py under the `wellness:` namespace (names start diary)."""

from django.urls import path

from wellness.diary import views

urlpatterns = [
    path("", views.index, name="diary"),
    path("mine/", views.mine, name="diary_mine"),
    path("terms/", views.terms, name="diary_terms"),
    path("profile/", views.profile, name="diary_profile"),
    path("post/", views.post, name="diary_post"),
    path("post/image/<uuid:token>/", views.pending_image, name="diary_pending_image"),
    path("blocks/", views.blocks, name="diary_blocks"),
    path("blocks/<int:person_pk>/unblock/", views.unblock, name="diary_unblock"),
    path("<int:pk>/image/", views.image, name="diary_image"),
    path("<int:pk>/like/", views.like, name="diary_like"),
    path("<int:pk>/delete/", views.delete, name="diary_delete"),
    path("<int:pk>/block/", views.block, name="diary_block"),
    path("<int:pk>/report/", views.report, name="diary_report"),
]
