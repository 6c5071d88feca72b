from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "wellness.missions"
    label = "wellness_missions"
    verbose_name = "ミッション"
