from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "多要素認証"

    def ready(self) -> None:
        from mfa import flows

        flows.register()
