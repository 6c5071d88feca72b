"""The login identity: one account per covered person, plus union staff."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
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
        user.save(using=self._db)
        return user

    def create_user(self, username: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(username, password, **fields)

    def create_superuser(self, username: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(username, password, **fields)


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
    is_temporary_id = models.BooleanField(_("仮IDフラグ"), default=False)
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
