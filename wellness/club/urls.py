"""Included by wellness/urls.py under the `wellness:` namespace (names start with club)."""

from django.urls import path

from wellness.club import views

urlpatterns = [
    path("", views.index, name="club"),
    path("search/", views.search, name="club_search"),
    path("category/<slug:category>/", views.category, name="club_category"),
    path("ranking/", views.ranking, name="club_ranking"),
    path("favourites/", views.favourites, name="club_favourites"),
    path("articles/<int:pk>/", views.article, name="club_article"),
    path("articles/<int:pk>/favourite/", views.favourite, name="club_favourite"),
    path("supporters/", views.supporters, name="club_supporters"),
    path("supporters/<int:pk>/", views.supporter, name="club_supporter"),
]
