from allauth.account import apps as allauth_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in

        from accounts import lockout

        # Every completed login (after any second factor): reset the failure count, record it,
        # and alert the member about a new browser.
        user_logged_in.connect(lockout.on_user_logged_in, dispatch_uid="accounts.lockout.login")


class AllauthAccountConfig(allauth_apps.AccountConfig):
    """allauth's account app (its e-mail addresses) under a Japanese name of its own in admin,
    not a second 「アカウント」 beside ours (settings.INSTALLED_APPS names this class)."""

    default = False  # not a candidate for this app's own config: AccountsConfig stays it
    verbose_name = _("ログイン用メールアドレス")
