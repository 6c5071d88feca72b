from django.apps import AppConfig


class DependentsConfig(AppConfig):
    name = "dependents"
    verbose_name = "被扶養者資格調査"

    def ready(self):
        from dependents import documents  # noqa: F401 — registers the PDF renderer
