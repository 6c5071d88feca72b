from django.apps import AppConfig


class WalkingConfig(AppConfig):
    name = "wellness.walking"
    label = "wellness_walking"
    verbose_name = "ウォーキングキャンペーン"
