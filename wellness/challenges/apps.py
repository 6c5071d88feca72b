from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "wellness.challenges"
    label = "wellness_challenges"
    verbose_name = "チャレンジ"
