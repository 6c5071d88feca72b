from allauth.account import apps as allauth_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in
        from django.db.models.signals import post_delete, post_migrate, post_save

        from accounts import lockout, queries, roles
        from accounts.models import TermsVersion

        # Every completed login (after any second factor): reset the failure count, record it,
        # and alert the member about a new browser.
        user_logged_in.connect(lockout.on_user_logged_in, dispatch_uid="accounts.lockout.login")
        # The staff roles follow accounts.roles after every migrate, and survive a flush.
        post_migrate.connect(roles.on_post_migrate, dispatch_uid="accounts.roles")
        # Open sessions compare their consented terms with the cached terms in force.
        for signal in (post_save, post_delete):
            signal.connect(
                queries.on_terms_changed, sender=TermsVersion, dispatch_uid="accounts.terms"
            )


class AllauthAccountConfig(allauth_apps.AccountConfig):
    """allauth's account app (its e-mail addresses) under a Japanese name of its own in admin,
    not a second 「アカウント」 beside ours (settings.INSTALLED_APPS names this class)."""

    default = False  # not a candidate for this app's own config: AccountsConfig stays it
    verbose_name = _("ログイン用メールアドレス")
