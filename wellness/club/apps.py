from django.apps import AppConfig


class ClubConfig(AppConfig):
    name = "wellness.club"
    label = "wellness_club"
    verbose_name = "MY HEALTH CLUB"
