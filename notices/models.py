"""お知らせ (news), MYメール (messages to one member), 個人設定, 通知設定 and ヘルプ."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, Union


class NoticeQuerySet(models.QuerySet):
    def published(self, at=None) -> NoticeQuerySet:
        """Notices inside their publish window at `at` (default now)."""
        at = at or timezone.now()
        return self.filter(
            Q(publish_until__isnull=True) | Q(publish_until__gt=at), publish_from__lte=at
        )

    def for_union(self, union: Union | int) -> NoticeQuerySet:
        """The union's (a Union or its id) own notices plus the service-wide ones (no union)."""
        return self.filter(Q(union=union) | Q(union__isnull=True))


class Notice(models.Model):
    """An お知らせ: union news, or a service notice (update, maintenance) for every union."""

    class Category(models.TextChoices):
        NEWS = "news", _("組合からのお知らせ")
        SERVICE = "service", _("サービスからのお知らせ")

    union = models.ForeignKey(
        Union,
        verbose_name=_("健康保険組合"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        help_text=_("空欄にすると、全ての健康保険組合に表示されるサービスのお知らせになります。"),
    )
    category = models.CharField(
        _("種別"), max_length=16, choices=Category.choices, default=Category.NEWS
    )
    title = models.CharField(_("タイトル"), max_length=200)
    body = models.TextField(_("本文"))
    publish_from = models.DateTimeField(_("公開開始日時"), default=timezone.now)
    publish_until = models.DateTimeField(_("公開終了日時"), null=True, blank=True)
    send_email = models.BooleanField(
        _("Eメールで通知する"),
        default=True,
        help_text=_("公開開始時に、Eメール通知を受け取る設定の加入者へお知らせします。"),
    )
    # Progress of the arrival e-mails, so a repeated or resumed task sends nobody twice.
    email_cursor = models.BigIntegerField(_("Eメール通知の進み具合"), default=0, editable=False)
    emailed_at = models.DateTimeField(_("Eメール通知完了日時"), null=True, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-publish_from", "-pk"]
        indexes = [models.Index(fields=["union", "-publish_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True)
                | Q(publish_until__gt=models.F("publish_from")),
                name="notice_publish_window",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.publish_until and self.publish_from and self.publish_until <= self.publish_from:
            raise ValidationError(
                {"publish_until": _("公開終了日時は公開開始日時より後にしてください。")}
            )


class NoticeRead(models.Model):
    """That a member opened a notice (the unread mark disappears)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notice_reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "notice"], name="notice_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.notice_id}"


class Segment(models.Model):
    """Who a broadcast MY mail goes to: members covered on the sending day who match every
    condition given (an empty condition matches everyone)."""

    class Role(models.TextChoices):
        ALL = "", _("全員")
        INSURED = "insured", _("被保険者のみ")
        DEPENDENT = "dependent", _("被扶養者のみ")

    role = models.CharField(_("対象"), max_length=16, choices=Role.choices, blank=True)
    sex = models.CharField(_("性別"), max_length=1, choices=Person.Sex.choices, blank=True)
    age_min = models.PositiveSmallIntegerField(
        _("年齢(以上)"), null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("年齢(以下)"), null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    with_account_only = models.BooleanField(_("アカウント発行済みの方のみ"), default=False)

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValidationError({"age_max": _("年齢(以下)は年齢(以上)以上にしてください。")})


def _years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


class Broadcast(Segment):
    """A MY mail staff write once for a segment of the union's members; sending it delivers
    one `Message` to each member in the segment."""

    union = models.ForeignKey(Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE)
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    requires_reply = models.BooleanField(_("要返信"), default=False)
    sender_label = models.CharField(_("差出人"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送信者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    recipient_count = models.PositiveIntegerField(_("送信数"), default=0, editable=False)
    email_cursor = models.BigIntegerField(_("Eメール通知の進み具合"), default=0, editable=False)
    emailed_at = models.DateTimeField(_("Eメール通知完了日時"), null=True, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("MYメール一斉送信")
        verbose_name_plural = _("MYメール一斉送信")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    def recipients(self, on: date | None = None) -> models.QuerySet[Person]:
        """Exactly the members this broadcast reaches on `on` (default today, Tokyo time)."""
        on = on or timezone.localdate()
        persons = Person.objects.filter(
            Q(disqualified_on__isnull=True) | Q(disqualified_on__gte=on),
            household__union=self.union,
            qualified_on__lte=on,
        )
        if self.role:
            persons = persons.filter(role=self.role)
        if self.sex:
            persons = persons.filter(sex=self.sex)
        if self.age_min is not None:  # at least age_min years old on `on`
            persons = persons.filter(birth_date__lte=_years_ago(on, self.age_min))
        if self.age_max is not None:  # not yet age_max + 1
            persons = persons.filter(birth_date__gt=_years_ago(on, self.age_max + 1))
        if self.with_account_only:
            persons = persons.filter(account__isnull=False, account__is_active=True)
        return persons.order_by("pk")


class Message(models.Model):
    """One MY mail in one member's inbox."""

    union = models.ForeignKey(Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE)
    recipient = models.ForeignKey(
        Person, verbose_name=_("宛先"), on_delete=models.CASCADE, related_name="messages"
    )
    broadcast = models.ForeignKey(
        Broadcast,
        verbose_name=_("一斉送信"),
        # deleting a sent broadcast must not empty members' inboxes
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    requires_reply = models.BooleanField(_("要返信"), default=False)
    sender_label = models.CharField(_("差出人"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), default=timezone.now)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("MYメール")
        verbose_name_plural = _("MYメール")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-sent_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "recipient"],
                condition=Q(broadcast__isnull=False),
                name="message_one_per_broadcast_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Reply(models.Model):
    """A member's answer to a 「要返信」 MY mail; staff read it in admin."""

    message = models.ForeignKey(
        Message, verbose_name=_("MYメール"), on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("返信内容"))
    # The form's one-time token: a second submit of the same form finds this row.
    token = models.UUIDField(_("二重送信防止キー"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("返信日時"), default=timezone.now)
    staff_read_at = models.DateTimeField(_("確認日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("返信")
        verbose_name_plural = _("返信")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "token"], name="reply_once_per_form")
        ]

    def __str__(self) -> str:
        return f"{self.message.subject} への返信"


def _profile_image_path(instance: Profile, filename: str) -> str:
    # A new random name on each change: public URLs cannot be guessed or cached stale.
    return f"profiles/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Profile(models.Model):
    """プロフィール設定: shown with walking events and diary posts."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="profile")
    image = models.ImageField(_("プロフィール画像"), upload_to=_profile_image_path, blank=True)
    nickname = models.CharField(_("ニックネーム"), max_length=20, blank=True)
    introduction = models.TextField(_("自己紹介"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("プロフィール")
        verbose_name_plural = _("プロフィール")

    def __str__(self) -> str:
        return self.nickname or str(self.person)


class EmailPreference(models.Model):
    """Eメール通知設定 of one account; an account without a row receives both."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    news = models.BooleanField(_("お知らせ"), default=True)
    my_mail = models.BooleanField(_("MYメール"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Eメール通知設定")
        verbose_name_plural = _("Eメール通知設定")

    def __str__(self) -> str:
        return str(self.user)


class HelpQuerySet(models.QuerySet):
    def for_union(self, union: Union | None) -> HelpQuerySet:
        """The global entries, with those a union has of its own replacing the global ones of
        the same key, plus the union's additions."""
        if union is None:
            return self.filter(union__isnull=True)
        own_keys = self.filter(union=union).values("key")
        return self.filter(Q(union=union) | (Q(union__isnull=True) & ~Q(key__in=own_keys)))


class HelpEntry(models.Model):
    """Common shape of ご利用案内 sections and よくある質問 categories: global (no union) or
    one union's, which replaces the global entry with the same key."""

    union = models.ForeignKey(
        Union,
        verbose_name=_("健康保険組合"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("空欄なら全組合共通。同じキーの共通項目をこの組合だけ置き換えます。"),
    )
    key = models.SlugField(_("キー"), max_length=50)
    title = models.CharField(_("タイトル"), max_length=200)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = HelpQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class GuideSection(HelpEntry):
    """A section of ご利用案内 (主な機能のご紹介, 推奨OSおよびブラウザ …)."""

    body = models.TextField(_("本文"))

    class Meta(HelpEntry.Meta):
        verbose_name = _("ご利用案内")
        verbose_name_plural = _("ご利用案内")
        constraints = [
            models.UniqueConstraint(fields=["union", "key"], name="guide_unique_key"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(union__isnull=True), name="guide_unique_global_key"
            ),
        ]


class FaqCategory(HelpEntry):
    """A よくある質問 category (e.g. ログインに関するよくある質問)."""

    class Meta(HelpEntry.Meta):
        verbose_name = _("よくある質問のカテゴリ")
        verbose_name_plural = _("よくある質問のカテゴリ")
        constraints = [
            models.UniqueConstraint(fields=["union", "key"], name="faq_category_unique_key"),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(union__isnull=True),
                name="faq_category_unique_global_key",
            ),
        ]


class FaqQuestion(models.Model):
    category = models.ForeignKey(
        FaqCategory, verbose_name=_("カテゴリ"), on_delete=models.CASCADE, related_name="questions"
    )
    question = models.CharField(_("質問"), max_length=300)
    answer = models.TextField(_("回答"))
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("よくある質問")
        verbose_name_plural = _("よくある質問")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.question
