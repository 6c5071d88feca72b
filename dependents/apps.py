from django.apps import AppConfig


class DependentsConfig(AppConfig):
    name = "dependents"
    verbose_name = "被扶養者資格調査"
