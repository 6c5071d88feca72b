from django.apps import AppConfig


class CheckupConfig(AppConfig):
    name = "checkup"
    verbose_name = "健診結果"
