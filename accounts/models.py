"""The login identity: one account per covered person, plus union staff."""

from __future__ import annotations

import secrets
import unicodedata

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, Union


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_username(cls, username: str) -> str:
        # User IDs are case-insensitive: typed in any case, stored lower case (ACC-4).
        return unicodedata.normalize("NFKC", username).lower()

    def get_by_natural_key(self, username: str) -> User:
        return self.get(username=self.normalize_username(username))

    def _create(self, username: str, password: str | None, **fields) -> User:
        user = self.model(username=self.normalize_username(username), **fields)
        user.set_password(password)
        user.save(using=self.db)
        return user

    def create_user(self, username: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(username, password, **fields)

    def create_superuser(self, username: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(username, password, **fields)


def _new_salt() -> str:
    return secrets.token_hex(16)


class MfaMethod(models.TextChoices):
    PASSKEY = "passkey", _("生体認証")
    TOTP = "totp", _("ワンタイムパスワード (OTP) アプリ認証")
    EMAIL = "email", _("ワンタイムパスワード (OTP) メール認証")


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Members have a `person`; staff have a `union` and no person.

    A member's union is always their person's union; a superuser without a union runs the
    whole deployment.
    """

    username = models.CharField(_("ユーザID"), max_length=150, unique=True)
    email = models.EmailField(_("メールアドレス"), max_length=255, blank=True)
    union = models.ForeignKey(
        Union,
        verbose_name=_("健康保険組合"),
        on_delete=models.PROTECT,
        related_name="accounts",
        null=True,
        blank=True,
    )
    person = models.OneToOneField(
        Person,
        verbose_name=_("加入者"),
        on_delete=models.PROTECT,
        related_name="account",
        null=True,
        blank=True,
    )
    is_temporary_id = models.BooleanField(
        _("仮IDフラグ"),
        default=False,
        help_text=_("組合が発行した仮のIDのまま、初回ログインが済んでいないアカウント。"),
    )
    # First-login journey (accounts.flows): each step's completion, so it resumes anywhere.
    identity_verified_at = models.DateTimeField(_("本人確認日時"), null=True, blank=True)
    user_id_chosen_at = models.DateTimeField(_("ユーザID設定日時"), null=True, blank=True)
    must_change_password = models.BooleanField(_("パスワード変更が必要"), default=False)
    password_changed_at = models.DateTimeField(_("パスワード作成日"), null=True, blank=True)
    mfa_method = models.CharField(
        _("認証方法"), max_length=16, choices=MfaMethod.choices, blank=True
    )
    language = models.CharField(_("言語"), max_length=8, default="ja")
    # Rotating the salt ends every session of the account (「全てのデバイスからサインアウトする」).
    session_salt = models.CharField(max_length=32, default=_new_salt, editable=False)
    # Lockout (accounts.lockout): consecutive failures, a temporary and a permanent lock.
    failed_logins = models.PositiveIntegerField(_("連続ログイン失敗回数"), default=0)
    last_failed_login_at = models.DateTimeField(_("最終ログイン失敗日時"), null=True, blank=True)
    locked_until = models.DateTimeField(_("一時ロック解除日時"), null=True, blank=True)
    locked_at = models.DateTimeField(_("アカウントロック日時"), null=True, blank=True)
    is_staff = models.BooleanField(_("スタッフ権限"), default=False)
    is_active = models.BooleanField(_("有効"), default=True)
    date_joined = models.DateTimeField(_("登録日時"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("アカウント")
        verbose_name_plural = _("アカウント")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | models.Q(union__isnull=False),
                name="user_member_has_union",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs) -> None:
        self.username = UserManager.normalize_username(self.username)
        if self.person_id is not None:
            self.union_id = self.person.household.union_id
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The name shown top right: the person's name, or the user ID for staff."""
        return self.person.full_name if self.person_id else self.username

    @property
    def is_member(self) -> bool:
        return self.person_id is not None

    def get_session_auth_hash(self) -> str:
        # Sessions stay valid until the salt rotates (accounts.services.sign_out_everywhere),
        # so the member decides with the sign-out-all checkbox, not Django's password hash.
        return salted_hmac(
            "kosmo.accounts.session", self.session_salt, algorithm="sha256"
        ).hexdigest()

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None or (
            self.locked_until is not None and self.locked_until > timezone.now()
        )


class TermsVersion(models.Model):
    """A version of a union's terms of use (利用規約); the newest published one is in force."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.PROTECT, related_name="terms"
    )
    version = models.CharField(_("版"), max_length=20)
    title = models.CharField(_("表題"), max_length=100, default="KOSMO Web 利用規約")
    body = models.TextField(_("本文"))
    published_at = models.DateTimeField(
        _("公開日時"), null=True, blank=True, help_text=_("空欄の間は下書きです。")
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("利用規約")
        verbose_name_plural = _("利用規約")
        ordering = ["union", "-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["union", "version"], name="terms_unique_version")
        ]
        indexes = [models.Index(fields=["union", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class TermsConsent(models.Model):
    """A member's 「同意する」 to one terms version: the consent history."""

    user = models.ForeignKey(
        User, verbose_name=_("アカウント"), on_delete=models.CASCADE, related_name="terms_consents"
    )
    terms = models.ForeignKey(
        TermsVersion, verbose_name=_("利用規約"), on_delete=models.PROTECT, related_name="consents"
    )
    consented_at = models.DateTimeField(_("同意日時"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)

    class Meta:
        verbose_name = _("利用規約への同意")
        verbose_name_plural = _("利用規約への同意")
        constraints = [
            models.UniqueConstraint(fields=["user", "terms"], name="consent_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.terms}"


class SecurityEvent(models.Model):
    """What happened to an account: the login history staff see and the member's security log."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("ログイン成功")
        LOGIN_FAILED = "login_failed", _("ログイン失敗")
        LOCKED_TEMPORARILY = "locked_temporarily", _("パスワードロック")
        LOCKED_PERMANENTLY = "locked_permanently", _("アカウントロック")
        UNLOCKED = "unlocked", _("ロック解除")
        PASSWORD_CHANGED = "password_changed", _("パスワード変更")
        PASSWORD_RESET = "password_reset", _("パスワード再設定")
        PASSWORD_RESET_FORCED = "password_reset_forced", _("パスワード再設定の指示")
        EMAIL_CHANGED = "email_changed", _("メールアドレス変更")
        USER_ID_CHANGED = "user_id_changed", _("ユーザID変更")
        MFA_ADDED = "mfa_added", _("二要素認証の追加")
        MFA_REMOVED = "mfa_removed", _("二要素認証の削除")
        MFA_FAILED = "mfa_failed", _("二要素認証の失敗")
        MFA_RESET = "mfa_reset", _("二要素認証のリセット")
        SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("全てのデバイスからサインアウト")
        TERMS_ACCEPTED = "terms_accepted", _("利用規約に同意")
        ACCOUNT_ISSUED = "account_issued", _("アカウント発行")
        IDENTITY_VERIFIED = "identity_verified", _("本人確認")
        STAFF_VIEWED = "staff_viewed", _("組合の担当者による閲覧")

    user = models.ForeignKey(
        User,
        verbose_name=_("アカウント"),
        on_delete=models.CASCADE,
        related_name="security_events",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("種類"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザ"), max_length=300, blank=True)
    detail = models.CharField(_("詳細"), max_length=200, blank=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作者"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("組合スタッフが操作したとき、そのスタッフ。"),
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("閲覧された加入者"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("組合の担当者が個人の情報を閲覧したとき、その加入者。"),
    )

    class Meta:
        verbose_name = _("セキュリティ履歴")
        verbose_name_plural = _("セキュリティ履歴")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class KnownBrowser(models.Model):
    """A browser the account has signed in from, to alert the member about a new one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_browsers")
    key_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key_hash"], name="known_browser_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.user_agent[:40]}"
