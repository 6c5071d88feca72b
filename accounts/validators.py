"""The manual's rules for e-mail addresses (ACC-3), user IDs (ACC-4) and passwords (ACC-5).

Members type on phones: input is NFKC-normalised (full-width letters, ＠ and digits become
ASCII) and trimmed before it is checked or looked up.
"""

from __future__ import annotations

import re
import string
import unicodedata

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kosmo.models import Union

EMAIL_REQUIRED = _("メールアドレスを入力してください。")
EMAIL_TAKEN = _(
    "他のアカウントで設定されているメールアドレスです。別のメールアドレスを入力してください。"
)
EMAIL_INVALID = _("無効なメールアドレスです。入力したメールアドレスに誤りがないかご確認ください。")
EMAIL_TOO_LONG = _("設定可能なメールアドレスの最大文字数は255文字です。")
EMAIL_MAX_LENGTH = 255

USER_ID_REQUIRED = _("ユーザIDを入力してください。")
USER_ID_LENGTH = _("ユーザIDは8文字以上、13文字以内で入力してください。")
USER_ID_FORBIDDEN = _("ユーザIDに利用できない文字が含まれています（%(chars)s）。")
USER_ID_TAKEN = _("このユーザIDは既に使用されています。別のユーザIDを入力してください。")
USER_ID_MIN, USER_ID_MAX = 8, 13
USER_ID_ALLOWED = frozenset(string.ascii_lowercase + string.digits + "-_.@")
# The manual's 「利用不可文字一覧」, shown on the pages where a user ID is chosen.
USER_ID_FORBIDDEN_LIST = [
    ("<", _("小なり記号")),
    (">", _("大なり記号")),
    ("&", _("アンパサンド")),
    ('"', _("ダブルクォート")),
    ("'", _("シングルクォート")),
    (" ", _("空白文字：スペース、タブ、改行など")),
    ("$", _("ドル記号")),
    ("%", _("パーセント記号")),
    ("!", _("感嘆符")),
    ("#", _("ハッシュ記号")),
    ("?", _("疑問符")),
    ("§", _("セクション記号")),
    (",", _("カンマ")),
    (";", _("セミコロン")),
    (":", _("コロン")),
    ("*", _("アスタリスク")),
    ("~", _("チルダ")),
    ("/", _("スラッシュ")),
    ("\\", _("バックスラッシュ")),
    ("|", _("パイプ")),
    ("^", _("キャレット")),
    ("=", _("イコール")),
    ("[", _("左角括弧")),
    ("]", _("右角括弧")),
    ("{", _("左中括弧")),
    ("}", _("右中括弧")),
    ("(", _("左丸括弧")),
    (")", _("右丸括弧")),
    ("`", _("バッククォート")),
]

# The ASCII symbols, and 「¥」 (manual §2-1 and FAQ Q7 list it: a Japanese keyboard's yen key,
# which some systems type as U+00A5 and others as the backslash).
PASSWORD_SYMBOLS = string.punctuation + "¥"  # !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~¥
PASSWORD_ALLOWED = frozenset(string.ascii_letters + string.digits + PASSWORD_SYMBOLS)
PASSWORD_TOO_SHORT = _("パスワードは%(min)d文字以上で入力してください。")
PASSWORD_TOO_LONG = _("パスワードは%(max)d文字以内で入力してください。")
PASSWORD_FORBIDDEN = _(
    "パスワードに利用できない文字が含まれています。半角英数字と記号で入力してください。"
)
PASSWORD_CLASSES = _(
    "パスワードには英大文字・英小文字・数字・記号のうち%(count)d種類以上を含めてください。"
)
PASSWORD_IS_USER_ID = _("ユーザIDと同じパスワードは設定できません。")
PASSWORD_IS_CURRENT = _(
    "現在ご使用中のパスワードには更新できません。別のパスワードを入力してください。"
)
PASSWORD_MISMATCH = _("「パスワード」と「パスワード確認用」が一致しません。")

_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*$")
_EMAIL_DOMAIN = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def normalize_input(value: str | None) -> str:
    """NFKC and trimmed: what a member meant to type on a phone keyboard."""
    return unicodedata.normalize("NFKC", value or "").strip()


def normalize_user_id(value: str | None) -> str:
    return normalize_input(value).lower()


def normalize_email(value: str | None) -> str:
    """Normalised, with the domain in lower case (the local part is kept as typed)."""
    email = normalize_input(value)
    local, at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}" if at else email


def validate_email_address(email: str) -> None:
    """ACC-3 format rules on a normalised address (uniqueness is checked by the form)."""
    if not email:
        raise ValidationError(EMAIL_REQUIRED, code="required")
    errors = []
    local, at, domain = email.rpartition("@")
    if not (at and _EMAIL_LOCAL.match(local) and _EMAIL_DOMAIN.match(domain)):
        errors.append(ValidationError(EMAIL_INVALID, code="invalid"))
    if len(email) > EMAIL_MAX_LENGTH:
        # The manual shows the length message together with the invalid one.
        errors = [
            ValidationError(EMAIL_INVALID, code="invalid"),
            ValidationError(EMAIL_TOO_LONG, code="max_length"),
        ]
    if errors:
        raise ValidationError(errors)


def validate_user_id(user_id: str) -> None:
    """ACC-4 on a normalised (lower-case) user ID; uniqueness is checked by the form."""
    if not user_id:
        raise ValidationError(USER_ID_REQUIRED, code="required")
    forbidden = sorted({char for char in user_id if char not in USER_ID_ALLOWED})
    errors = []
    if not USER_ID_MIN <= len(user_id) <= USER_ID_MAX:
        errors.append(ValidationError(USER_ID_LENGTH, code="length"))
    if forbidden:
        shown = "、".join("空白" if char.isspace() else f"「{char}」" for char in forbidden)
        errors.append(ValidationError(USER_ID_FORBIDDEN, code="forbidden", params={"chars": shown}))
    if errors:
        raise ValidationError(errors)


def validate_password_for(password: str, *, union: Union | None, user_id: str) -> None:
    """ACC-5: the union's limits, the allowed characters, and never the user ID itself."""
    min_length = union.password_min_length if union else 8
    max_length = union.password_max_length if union else 64
    min_classes = union.password_min_character_classes if union else 1
    errors = []
    if len(password) < min_length:
        errors.append(ValidationError(PASSWORD_TOO_SHORT, "too_short", {"min": min_length}))
    if len(password) > max_length:
        errors.append(ValidationError(PASSWORD_TOO_LONG, "too_long", {"max": max_length}))
    if any(char not in PASSWORD_ALLOWED for char in password):
        errors.append(ValidationError(PASSWORD_FORBIDDEN, code="forbidden"))
    classes = sum(
        any(char in group for char in password)
        for group in (
            string.ascii_uppercase,
            string.ascii_lowercase,
            string.digits,
            PASSWORD_SYMBOLS,
        )
    )
    if classes < min_classes:
        errors.append(ValidationError(PASSWORD_CLASSES, "classes", {"count": min_classes}))
    if user_id and password.lower() == user_id.lower():
        errors.append(ValidationError(PASSWORD_IS_USER_ID, code="is_user_id"))
    if errors:
        raise ValidationError(errors)


# Django's own checks (settings.AUTH_PASSWORD_VALIDATORS), in the manual's language. They run
# after the rules above (accounts.forms.PasswordForm), on every page that sets a password.


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Eight characters at least, where no union's policy applies (createsuperuser, admin's
    password forms); a union's own minimum is never below it (Union.password_min_length)."""

    def get_error_message(self) -> str:
        return str(PASSWORD_TOO_SHORT) % {"min": self.min_length}

    def get_help_text(self) -> str:
        return str(PASSWORD_TOO_SHORT) % {"min": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Refuses the 20,000 most common passwords (``password``, ``qwerty123`` …)."""

    def get_error_message(self) -> str:
        return _(
            "よく使われているパスワードのため、設定できません。別のパスワードを入力してください。"
        )

    def get_help_text(self) -> str:
        return _("よく使われているパスワードは設定できません。")


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Refuses a password too close to the user ID or the e-mail address."""

    def __init__(self, user_attributes=("username", "email"), max_similarity: float = 0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return _(
            "%(verbose_name)sに似たパスワードは設定できません。別のパスワードを入力してください。"
        )

    def get_help_text(self) -> str:
        return _("ユーザIDやメールアドレスに似たパスワードは設定できません。")
