from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in

        from accounts import lockout

        # Every completed login (after any second factor): reset the failure count, record it,
        # and alert the member about a new browser.
        user_logged_in.connect(lockout.on_user_logged_in, dispatch_uid="accounts.lockout.login")
