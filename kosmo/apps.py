from django.apps import AppConfig


class KosmoConfig(AppConfig):
    name = "kosmo"
    verbose_name = "KOSMO Web 共通"
