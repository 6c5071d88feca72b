"""The health programme's pages, one module per manual section, all in the `wellness:` namespace
(kosmo.features names them: wellness:records, wellness:challenges, wellness:club …)."""

from django.urls import include, path

app_name = "wellness"

urlpatterns = [
    path("records/", include("wellness.records.urls")),
    path("challenges/", include("wellness.challenges.urls")),
    path("club/", include("wellness.club.urls")),
    path("points/", include("wellness.points.urls")),
    path("missions/", include("wellness.missions.urls")),
    path("diary/", include("wellness.diary.urls")),
    path("walking/", include("wellness.walking.urls")),
]
