from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "wellness.diary"
    label = "wellness_diary"
    verbose_name = "健康日記"
