from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "wellness.points"
    label = "wellness_points"
    verbose_name = "MYポイント"
