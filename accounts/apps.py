from allauth.account import apps as allauth_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from accounts import lockout, roles

        # Every completed login (after any second factor): reset the failure count, record it,
        # and alert the member about a new browser.
        user_logged_in.connect(lockout.on_user_logged_in, dispatch_uid="accounts.lockout.login")
        # The staff roles follow accounts.roles after every migrate, and survive a flush.
        post_migrate.connect(roles.on_post_migrate, dispatch_uid="accounts.roles")


class AllauthAccountConfig(allauth_apps.AccountConfig):
    """allauth's account app (its e-mail addresses) under a Japanese name of its own in admin,
    not a second 「アカウント」 beside ours (settings.INSTALLED_APPS names this class)."""

    default = False  # not a candidate for this app's own config: AccountsConfig stays it
    verbose_name = _("ログイン用メールアドレス")
