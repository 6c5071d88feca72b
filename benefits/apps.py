from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = "給付金支給決定通知"

    def ready(self) -> None:
        from benefits import documents  # noqa: F401 — registers the PDF renderer
