"""健康日記 (SPEC WEL-4, manual §4-10): the members' posts within their union, likes, blocks,
reports with a reason, and the staff's moderation (hidden posts, restricted members, an audit
row for every staff action). Nickname, picture and self-introduction are the shared
プロフィール設定 (notices.Profile)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, StaffAuditRecord, Union, _private_storage

POST_MAX_LENGTH = 500
TERMS_VERSION = "1.0"


def _image_path(instance, filename: str) -> str:
    # A random name: the file is only ever served through the authorising view.
    return f"diary/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Participant(models.Model):
    """One member's use of 健康日記: the terms they agreed to and any posting restriction."""

    person = models.OneToOneField(
        Person, verbose_name=_("会員"), on_delete=models.CASCADE, related_name="diary"
    )
    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    terms_version = models.CharField(_("同意した利用規約の版"), max_length=20)
    agreed_at = models.DateTimeField(_("利用規約に同意した日時"), default=timezone.now)
    violations = models.PositiveSmallIntegerField(_("違反件数"), default=0)
    restricted_at = models.DateTimeField(_("投稿を制限した日時"), null=True, blank=True)
    restriction_reason = models.CharField(_("制限の理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("健康日記の利用者")
        verbose_name_plural = _("健康日記の利用者")

    def __str__(self) -> str:
        return str(self.person)

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None


class DiaryPost(models.Model):
    """A post: text and at most one picture (re-encoded, stored privately)."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        Person, verbose_name=_("投稿者"), on_delete=models.CASCADE, related_name="diary_posts"
    )
    body = models.TextField(_("投稿内容"), max_length=POST_MAX_LENGTH)
    image = models.ImageField(
        _("画像"), upload_to=_image_path, storage=_private_storage, blank=True
    )
    token = models.UUIDField(_("送信の識別子"), unique=True, editable=False)
    created_at = models.DateTimeField(_("投稿日時"), default=timezone.now)
    hidden_at = models.DateTimeField(_("非表示にした日時"), null=True, blank=True)
    hidden_reason = models.CharField(_("非表示の理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("健康日記の投稿")
        verbose_name_plural = _("健康日記の投稿")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["union", "-created_at"], name="diary_feed")]

    def __str__(self) -> str:
        return self.body[:30]


class PendingImage(models.Model):
    """A picture between 「投稿内容を確認する」 and 「投稿する」 (a browser never sends a file
    twice); shown only to its owner, moved to the post or removed."""

    token = models.UUIDField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    image = models.ImageField(upload_to=_image_path, storage=_private_storage)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("確認中の画像")
        verbose_name_plural = _("確認中の画像")

    def __str__(self) -> str:
        return str(self.token)


class Like(models.Model):
    post = models.ForeignKey(DiaryPost, on_delete=models.CASCADE, related_name="likes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("いいね")
        verbose_name_plural = _("いいね")
        constraints = [models.UniqueConstraint(fields=["post", "person"], name="diary_like_once")]

    def __str__(self) -> str:
        return f"{self.person} → {self.post_id}"


class Block(models.Model):
    """The blocker no longer sees the blocked member's posts."""

    blocker = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="diary_blocks")
    blocked = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ブロック")
        verbose_name_plural = _("ブロック")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="diary_block_once")
        ]

    def __str__(self) -> str:
        return f"{self.blocker} → {self.blocked}"


class Report(models.Model):
    """「通報する」: a member's report of a post, waiting in the staff's queue until handled."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("誹謗中傷・嫌がらせ")
        IMAGE = "image", _("不適切な画像")
        PRIVACY = "privacy", _("個人情報・プライバシーの侵害")
        RIGHTS = "rights", _("著作権・肖像権の侵害")
        SPAM = "spam", _("宣伝・勧誘・スパム")
        OTHER = "other", _("その他")

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        DiaryPost, verbose_name=_("投稿"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        Person, verbose_name=_("通報者"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("通報内容"), max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(_("通報日時"), default=timezone.now)
    handled_at = models.DateTimeField(_("対応日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("通報")
        verbose_name_plural = _("通報")
        ordering = ["handled_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="diary_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.post}"


class ModerationAction(StaffAuditRecord):
    """The audit trail: every staff action on a post or a member (written by the services in
    the same transaction)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("投稿を非表示")
        SHOW = "show", _("投稿を再表示")
        DELETE = "delete", _("投稿を削除")
        DISMISS = "dismiss", _("通報を対応済み")
        RESTRICT = "restrict", _("投稿を制限")
        LIFT = "lift", _("制限を解除")

    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    member = models.ForeignKey(
        Person, verbose_name=_("対象の会員"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    post_id_value = models.BigIntegerField(_("投稿ID"), null=True, blank=True)
    excerpt = models.CharField(_("投稿内容（抜粋）"), max_length=100, blank=True)
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("健康日記の操作履歴")
        verbose_name_plural = _("健康日記の操作履歴")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
