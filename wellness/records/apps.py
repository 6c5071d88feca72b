from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "wellness.records"
    label = "wellness_records"
    verbose_name = "日々の記録"
