from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = "資格情報"

    def ready(self) -> None:
        from eligibility import documents  # noqa: F401 — registers the PDF renderer
