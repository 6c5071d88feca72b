from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "medical"
    verbose_name = "医療費情報"

    def ready(self) -> None:
        # The PDF renderer registers itself; etax forgets a union's cached credential check.
        from medical import documents, etax  # noqa: F401
