"""MY HEALTH CLUB (manual §4-9): the union's health articles in eight categories, the
スペシャルサポーター who write or supervise them, members' favourites (the heart) and the read
events the weekly and monthly rankings are counted from; staff changes leave an audit row."""

from __future__ import annotations

import nh3
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from kosmo.models import Person, StaffAuditRecord, Union

# What staff HTML may keep: text structure, links, tables and images; no scripts, styles,
# frames, forms or event handlers (nh3/ammonia drops them with their content).
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "small", "mark",
    "ul", "ol", "li", "blockquote", "hr", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Staff HTML reduced to the safe tag list; links get rel="noopener noreferrer"."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def plain_text(html: str) -> str:
    """The words of an article's HTML, for the search column."""
    return " ".join(nh3.clean(html, tags=set(), clean_content_tags={"script", "style"}).split())


class Category(models.TextChoices):
    """The manual's eight categories, in the order of its ⑤ カテゴリから記事検索."""

    EXERCISE = "exercise", _("運動")
    HEALTHCARE = "healthcare", _("ヘルスケア")
    RECIPE = "recipe", _("レシピ")
    CARE = "care", _("介護")
    MENTAL = "mental", _("メンタルヘルス")
    PARENTING = "parenting", _("子育て")
    BUSINESS = "business", _("ビジネス")
    LIFESTYLE = "lifestyle", _("ライフスタイル")


class Tag(models.Model):
    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("タグ"), max_length=30)

    class Meta:
        verbose_name = _("タグ")
        verbose_name_plural = _("タグ")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["union", "name"], name="club_tag_unique")]

    def __str__(self) -> str:
        return self.name


class Supporter(models.Model):
    """A スペシャルサポーター: an expert who writes or supervises articles."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("氏名"), max_length=60)
    title = models.CharField(_("肩書・専門分野"), max_length=100)
    profile = models.TextField(_("プロフィール"), help_text=_("空行で段落を分けます。"))
    photo = models.ImageField(_("写真"), upload_to="club/supporters/", blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("スペシャルサポーター")
        verbose_name_plural = _("スペシャルサポーター")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.profile.replace("\r\n", "\n").split("\n\n") if p.strip()]


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None) -> ArticleQuerySet:
        """Articles inside their publish window at `at` (default now): from `publish_from`
        inclusive to `publish_until` exclusive."""
        at = at or timezone.now()
        return self.filter(
            Q(publish_until__isnull=True) | Q(publish_until__gt=at), publish_from__lte=at
        )


class Article(models.Model):
    class Role(models.TextChoices):
        WRITTEN = "written", _("執筆")
        SUPERVISED = "supervised", _("監修")

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("カテゴリ"), max_length=16, choices=Category.choices)
    title = models.CharField(_("タイトル"), max_length=120)
    summary = models.CharField(_("概要"), max_length=200, blank=True)
    body = models.TextField(
        _("本文"),
        help_text=_(
            "HTMLで入力します。見出し・段落・リスト・表・リンク・画像が使えます。"
            "スクリプトやスタイルは保存時に取り除かれます。"
        ),
    )
    image = models.ImageField(_("メイン画像"), upload_to="club/articles/", blank=True)
    image_alt = models.CharField(_("メイン画像の説明"), max_length=120, blank=True)
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("スペシャルサポーター"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    supporter_role = models.CharField(
        _("サポーターの関わり"), max_length=16, choices=Role.choices, default=Role.WRITTEN
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("タグ"), blank=True, related_name="+")
    publish_from = models.DateTimeField(_("公開開始日時"), default=timezone.now)
    publish_until = models.DateTimeField(_("公開終了日時"), null=True, blank=True)
    # Title, summary, tags, the body's words and the supporter's name: what free-word search
    # reads (a trigram GIN index on PostgreSQL, migration 0002).
    search_text = models.TextField(_("検索用テキスト"), blank=True, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("記事")
        verbose_name_plural = _("記事")
        ordering = ["-publish_from", "-pk"]
        indexes = [models.Index(fields=["union", "category", "-publish_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True)
                | Q(publish_until__gt=models.F("publish_from")),
                name="club_article_publish_window",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.search_text = self.make_search_text()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.publish_until and self.publish_from and self.publish_until <= self.publish_from:
            raise ValidationError(
                {"publish_until": _("公開終了日時は公開開始日時より後にしてください。")}
            )
        if self.supporter_id and self.union_id and self.supporter.union_id != self.union_id:
            raise ValidationError(
                {"supporter": _("同じ健康保険組合のスペシャルサポーターを選んでください。")}
            )

    def make_search_text(self, tag_names: list[str] | None = None) -> str:
        if tag_names is None:
            tag_names = [tag.name for tag in self.tags.all()] if self.pk else []
        supporter = self.supporter.name if self.supporter_id else ""
        return " ".join(
            part
            for part in (self.title, self.summary, " ".join(tag_names), supporter)
            + (plain_text(self.body),)
            if part
        )

    @property
    def body_html(self) -> SafeString:
        """The body as the page shows it: cleaned again, so rows written around `save()`
        (bulk updates, fixtures) never reach the page unsanitised."""
        return mark_safe(clean_html(self.body))  # noqa: S308 — nh3 output


class ArticleImage(models.Model):
    """An image uploaded in admin for an article's body: staff place it with
    ``<img src="(its URL)" alt="…">``."""

    article = models.ForeignKey(
        Article, verbose_name=_("記事"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("画像"), upload_to="club/articles/body/")
    alt = models.CharField(_("画像の説明"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("本文の画像")
        verbose_name_plural = _("本文の画像")

    def __str__(self) -> str:
        return self.alt or self.image.name


class Favourite(models.Model):
    """お気に入り: the member's heart on an article (at most one per member and article)."""

    person = models.ForeignKey(
        Person, verbose_name=_("加入者"), on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("記事"), on_delete=models.CASCADE, related_name="favourites"
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("お気に入り")
        verbose_name_plural = _("お気に入り")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "article"], name="club_favourite_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ♥ {self.article_id}"


class ReadEvent(models.Model):
    """A member opened an article on a day (Japan time): one row per member, article and day,
    so reloading a page does not climb the rankings."""

    article = models.ForeignKey(
        Article, verbose_name=_("記事"), on_delete=models.CASCADE, related_name="reads"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("加入者"), on_delete=models.CASCADE, related_name="+"
    )
    read_on = models.DateField(_("閲覧日"))

    class Meta:
        verbose_name = _("閲覧記録")
        verbose_name_plural = _("閲覧記録")
        indexes = [models.Index(fields=["read_on", "article"])]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "person", "read_on"], name="club_read_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.read_on}"


class StaffAction(StaffAuditRecord):
    """The audit trail of staff content: who created, changed or deleted which article or
    supporter, and when (written by services.record_staff_action in the same transaction)."""

    class Action(models.TextChoices):
        CREATED = "created", _("作成")
        CHANGED = "changed", _("変更")
        DELETED = "deleted", _("削除")

    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    subject = models.CharField(_("対象"), max_length=30)
    subject_id = models.BigIntegerField(_("対象ID"))
    title = models.CharField(_("タイトル・氏名"), max_length=120)
    changed_fields = models.CharField(_("変更した項目"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("記事の操作履歴")
        verbose_name_plural = _("記事の操作履歴")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.title}"
