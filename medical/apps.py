from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "medical"
    verbose_name = "医療費情報"

    def ready(self) -> None:
        from medical import documents  # noqa: F401 — registers the PDF renderer
