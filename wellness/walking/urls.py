"""Included by wellness/urls.py under the `wellness:` namespace (names start walking)."""

from django.urls import path

from wellness.walking import views

urlpatterns = [
    path("", views.index, name="walking"),
    path("<int:pk>/", views.event, name="walking_event"),
    path("<int:pk>/entry/", views.entry, name="walking_entry"),
    path("<int:pk>/entry/info/", views.entry_info, name="walking_entry_info"),
    path("<int:pk>/teams/new/", views.team_new, name="walking_team_new"),
    path("<int:pk>/teams/join/", views.team_join, name="walking_team_join"),
    path("<int:pk>/team/", views.team, name="walking_team"),
    path("<int:pk>/team/leave/", views.team_leave, name="walking_team_leave"),
    path("<int:pk>/ranking/", views.ranking, name="walking_ranking"),
    path("<int:pk>/map/", views.walking_map, name="walking_map"),
    path("<int:pk>/stamps/", views.stamps, name="walking_stamps"),
    path("<int:pk>/stamps/<int:entry_pk>/", views.stamp_send, name="walking_stamp_send"),
]
