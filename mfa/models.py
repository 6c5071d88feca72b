"""Passkeys, stored as a django-otp style device beside django-otp's TOTP and e-mail devices."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class PasskeyDevice(TimestampMixin, Device):
    """A WebAuthn credential (生体認証). `name` is the member's label for it (MFA-4)."""

    credential_id = models.CharField(_("クレデンシャルID"), max_length=1400, unique=True)
    public_key = models.BinaryField(_("公開鍵"))
    sign_count = models.PositiveBigIntegerField(_("署名カウンタ"), default=0)
    transports = models.JSONField(_("通信方式"), default=list, blank=True)
    aaguid = models.CharField(max_length=36, blank=True)
    backed_up = models.BooleanField(_("同期パスキー"), default=False)

    class Meta(Device.Meta):
        verbose_name = _("生体認証 (パスキー)")
        verbose_name_plural = _("生体認証 (パスキー)")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="passkey_unique_label")
        ]


# django-otp's devices under the names members know them by, for the admin (the library's
# own verbose names are English and not translatable).


class AuthenticatorApp(TOTPDevice):
    class Meta:
        proxy = True
        verbose_name = _("認証アプリ")
        verbose_name_plural = _("認証アプリ")


class EmailCodeDevice(EmailDevice):
    class Meta:
        proxy = True
        verbose_name = _("メール認証")
        verbose_name_plural = _("メール認証")
