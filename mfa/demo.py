"""Demo second factors: every completed demo account, staff included, receives its codes by
e-mail (printed in the `make run` terminal)."""

from __future__ import annotations

from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from kosmo.models import Union
from mfa.models import PasskeyDevice


def seed(unions: dict[str, Union]) -> list[str]:
    members = User.objects.filter(person__isnull=False, union__in=unions.values())
    staff = User.objects.filter(is_staff=True, person__isnull=True)
    for user in [*members.filter(is_temporary_id=False), *staff]:
        EmailDevice.objects.update_or_create(
            user=user, defaults={"name": "メール", "confirmed": True}
        )
    for model in (EmailDevice, TOTPDevice, PasskeyDevice):
        model.objects.filter(user__in=members.filter(is_temporary_id=True)).delete()
    return [
        "  二要素認証: 初回ログイン済みのアカウントとスタッフは、メールのワンタイムパスワード"
        "(このターミナルに表示されます)でログインします。"
    ]
