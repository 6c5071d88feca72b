from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    """チャレンジ記録 (manual §4-8). Other apps hear of achieved days through
    `wellness.challenges.signals.day_achieved` (see wellness.challenges.services)."""

    name = "wellness.challenges"
    label = "wellness_challenges"
    verbose_name = "チャレンジ"
