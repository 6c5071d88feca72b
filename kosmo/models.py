"""The shared domain core: unions (tenants), households and the persons they cover."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kosmo.features import FEATURES, Tier, get_feature, tier_includes

if TYPE_CHECKING:
    from accounts.models import User


class FormerMemberAccess(models.TextChoices):
    """How long a former member (資格喪失) may still sign in: the rule is kosmo.membership."""

    TAX_SEASON = "tax_season", _("喪失した年の翌年3月31日まで（e-Tax の医療費通知データのため）")
    DAYS = "days", _("喪失日から指定した日数")
    NONE = "none", _("喪失日の前日まで（喪失日からログインできません）")


class FormerMemberSees(models.TextChoices):
    """What a former member (資格喪失) sees while they may still sign in: the rule is
    kosmo.membership (`SIGHTS`). Every choice is read-only: no new survey, points frozen."""

    HISTORY = "history", _("喪失日までの履歴を閲覧のみ")
    ALL_HISTORY = "all_history", _("すべての履歴を閲覧のみ")
    MEDICAL_ETAX = "medical_etax", _("e-Taxデータと医療費のみ")


class Union(models.Model):
    """A health-insurance society (健康保険組合): the tenant every other row belongs to."""

    FormerMemberAccess = FormerMemberAccess
    FormerMemberSees = FormerMemberSees

    class ContractTier(models.TextChoices):
        STANDARD = Tier.STANDARD, _("スタンダード版")
        RICH = Tier.RICH, _("リッチ版")

    insurer_number = models.CharField(
        _("保険者番号"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("保険者番号は8桁の数字で入力してください。"))],
    )
    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(_("識別名"), unique=True)
    domain = models.CharField(
        _("ホスト名"),
        max_length=253,
        unique=True,
        null=True,
        blank=True,
        help_text=_("このホスト名でアクセスされたときにこの組合のポータルを表示します。"),
    )
    tier = models.CharField(
        _("契約"), max_length=16, choices=ContractTier.choices, default=ContractTier.STANDARD
    )
    feature_overrides = models.JSONField(
        _("機能の個別設定"),
        default=dict,
        blank=True,
        help_text=_("契約の既定から外れる機能だけを {機能キー: true/false} で持ちます。"),
    )
    brand_color = models.CharField(
        _("ブランドカラー"),
        max_length=7,
        default="#0b5cab",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("#RRGGBB の形式で入力してください。"))],
    )
    logo = models.ImageField(_("ロゴ"), upload_to="unions/logos/", blank=True)
    password_min_length = models.PositiveSmallIntegerField(
        _("パスワードの最小文字数"),
        default=8,
        validators=[MinValueValidator(8), MaxValueValidator(64)],
    )
    password_max_length = models.PositiveSmallIntegerField(
        _("パスワードの最大文字数"),
        default=64,
        validators=[MinValueValidator(8), MaxValueValidator(64)],
    )
    password_min_character_classes = models.PositiveSmallIntegerField(
        _("パスワードに必要な文字種の数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("英大文字・英小文字・数字・記号のうち、いくつ以上を含める必要があるか。"),
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        _("無操作タイムアウト(分)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_(
            "「ログイン状態の保存」をしていないセッションが、操作がないまま切れるまでの時間。"
        ),
    )
    mail_from = models.CharField(
        _("メール送信元"),
        max_length=200,
        blank=True,
        help_text=_(
            "例: コスモ健康保険組合 <no-reply@kosmo.example.jp>。空欄ならサイト共通の送信元。"
        ),
    )
    contact_phone = models.CharField(_("問い合わせ電話番号"), max_length=20, blank=True)
    contact_hours = models.CharField(_("受付時間"), max_length=100, blank=True)
    contact_email = models.EmailField(_("問い合わせメールアドレス"), blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    former_member_access = models.CharField(
        _("資格喪失後のログイン"),
        max_length=16,
        choices=FormerMemberAccess.choices,
        default=FormerMemberAccess.TAX_SEASON,
        help_text=_(
            "資格を喪失した方が、履歴の閲覧のためにいつまでログインできるか。"
            "期限を過ぎるとアカウントは利用できなくなり、組合の問い合わせ先が表示されます。"
        ),
    )
    former_member_access_days = models.PositiveSmallIntegerField(
        _("資格喪失後のログイン日数"),
        default=90,
        validators=[MaxValueValidator(730)],
        help_text=_("「喪失日から指定した日数」のときの日数（喪失日を1日目とします）。"),
    )
    former_member_sees = models.CharField(
        _("資格喪失後に表示する内容"),
        max_length=16,
        choices=FormerMemberSees.choices,
        default=FormerMemberSees.HISTORY,
        help_text=_(
            "ログインできる期間に、資格を喪失した方が見られるもの。どれも閲覧のみで、"
            "新しい調査への回答やポイントの獲得・交換はできません。"
            "「すべての履歴」は、資格喪失後の継続給付（傷病手当金・出産手当金）など"
            "喪失日より後の記録も表示します。"
            "「e-Taxデータと医療費のみ」は医療費情報と医療費控除申請用データのほかを表示しません。"
        ),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("健康保険組合")
        verbose_name_plural = _("健康保険組合")
        ordering = ["insurer_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(password_min_length__lte=models.F("password_max_length")),
                name="union_password_length_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.domain:
            self.domain = self.domain.strip().lower()
        unknown = set(self.feature_overrides or {}) - {feature.key for feature in FEATURES}
        if unknown:
            raise ValidationError({"feature_overrides": _("不明な機能キーがあります。")})
        if self.password_min_length > self.password_max_length:
            raise ValidationError(
                {"password_min_length": _("最小文字数は最大文字数以下にしてください。")}
            )

    @cached_property
    def enabled_feature_keys(self) -> frozenset[str]:
        overrides = self.feature_overrides or {}
        return frozenset(
            feature.key
            for feature in FEATURES
            if overrides.get(feature.key, tier_includes(self.tier, feature))
        )

    def has_feature(self, key: str) -> bool:
        """Whether the union's contract includes the feature (an unknown key is an error)."""
        get_feature(key)
        return key in self.enabled_feature_keys

    def set_enabled_features(self, keys: set[str]) -> None:
        """Store the switches so that exactly `keys` are enabled, as the diff from the tier."""
        self.feature_overrides = {
            feature.key: feature.key in keys
            for feature in FEATURES
            if (feature.key in keys) != tier_includes(self.tier, feature)
        }
        self.__dict__.pop("enabled_feature_keys", None)


class Household(models.Model):
    """A 世帯: the persons sharing one 記号・番号 in a union."""

    # No index of its own: the unique (union, symbol, number) index leads with it.
    union = models.ForeignKey(
        Union,
        verbose_name=_("健康保険組合"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
    )
    symbol = models.CharField(_("記号"), max_length=8)
    number = models.CharField(_("番号"), max_length=8)

    class Meta:
        verbose_name = _("世帯")
        verbose_name_plural = _("世帯")
        constraints = [
            models.UniqueConstraint(
                fields=["union", "symbol", "number"], name="household_unique_symbol_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol}-{self.number}"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PersonQuerySet:
        """The persons whose data this account may see (kosmo.scoping.member_scope): the
        whole household for the insured, only themself for a dependent, nobody for staff."""
        from kosmo.scoping import member_scope

        scope = member_scope(user)
        return self.none() if scope is None else self.in_scope(*scope)

    def in_scope(self, scope_field: str, scope_id: int) -> PersonQuerySet:
        """The persons a `member_scope` covers: its household, or the one person."""
        field = "household_id" if scope_field == "household_id" else "pk"
        return self.filter(**{field: scope_id})


class Person(models.Model):
    """Someone the union covers: the insured person (本人) or a dependent (被扶養者)."""

    class Role(models.TextChoices):
        INSURED = "insured", _("被保険者")
        DEPENDENT = "dependent", _("被扶養者")

    class Relationship(models.TextChoices):
        SELF = "self", _("本人")
        SPOUSE = "spouse", _("配偶者")
        CHILD = "child", _("子")
        PARENT = "parent", _("父母")
        GRANDPARENT = "grandparent", _("祖父母")
        GRANDCHILD = "grandchild", _("孫")
        SIBLING = "sibling", _("兄弟姉妹")
        OTHER = "other", _("その他")

    class Sex(models.TextChoices):
        MALE = "1", _("男")
        FEMALE = "2", _("女")

    # No index of its own: the unique (household, branch) index leads with it (migration 0009
    # drops the old one by name, as AlterField would drop household_single_insured too).
    household = models.ForeignKey(
        Household,
        verbose_name=_("世帯"),
        on_delete=models.PROTECT,
        related_name="persons",
        db_index=False,
    )
    role = models.CharField(_("区分"), max_length=16, choices=Role.choices)
    relationship = models.CharField(_("続柄"), max_length=16, choices=Relationship.choices)
    branch = models.CharField(
        _("枝番"), max_length=2, validators=[RegexValidator(r"^\d{2}$", _("枝番は2桁の数字です。"))]
    )
    family_name = models.CharField(_("姓"), max_length=50)
    given_name = models.CharField(_("名"), max_length=50)
    family_name_kana = models.CharField(_("姓(カナ)"), max_length=50)
    given_name_kana = models.CharField(_("名(カナ)"), max_length=50)
    sex = models.CharField(_("性別"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("生年月日"))
    qualified_on = models.DateField(_("資格取得日"))
    disqualified_on = models.DateField(_("資格喪失日"), null=True, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    email = models.EmailField(
        _("連絡先メールアドレス"),
        blank=True,
        help_text=_("加入者台帳から取り込んだ連絡先。ログイン用のメールアドレスとは別です。"),
    )
    access_extended_until = models.DateField(
        _("ログイン期限の延長"),
        null=True,
        blank=True,
        help_text=_(
            "資格喪失後のログイン期限を、組合の設定より後のこの日まで延ばします（空欄なら延長なし）。"
        ),
    )
    review_requested_on = models.DateField(
        _("名簿にない（要確認）"),
        null=True,
        blank=True,
        help_text=_(
            "全件の加入者台帳 (--full) に載っていなかった日。次の名簿に載ると空欄に戻ります。"
        ),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("加入者")
        verbose_name_plural = _("加入者")
        ordering = ["household_id", "branch"]
        constraints = [
            models.UniqueConstraint(fields=["household", "branch"], name="person_unique_branch"),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(role="insured"),
                name="household_single_insured",
            ),
            models.CheckConstraint(
                condition=(Q(role="insured") & Q(relationship="self"))
                | (Q(role="dependent") & ~Q(relationship="self")),
                name="person_role_matches_relationship",
            ),
            models.CheckConstraint(
                condition=Q(disqualified_on__isnull=True)
                | Q(disqualified_on__gte=models.F("qualified_on")),
                name="person_disqualified_after_qualified",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    @admin.display(description=_("氏名"), ordering="family_name_kana")
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}"

    @property
    def is_insured(self) -> bool:
        return self.role == self.Role.INSURED


class RosterImport(models.Model):
    """One run of `import_persons` (加入者台帳): the file, what it changed, what it refused."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(_("ファイルのハッシュ (SHA-256)"), max_length=64)
    full = models.BooleanField(_("全件の名簿"), default=False)
    rows_total = models.PositiveIntegerField(_("データ行数"), default=0)
    rows_imported = models.PositiveIntegerField(_("取り込み件数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("エラー件数"), default=0)
    persons_created = models.PositiveIntegerField(_("新規"), default=0)
    persons_updated = models.PositiveIntegerField(_("更新"), default=0)
    persons_moved = models.PositiveIntegerField(_("記号・番号の変更"), default=0)
    persons_unchanged = models.PositiveIntegerField(_("変更なし"), default=0)
    persons_missing = models.PositiveIntegerField(_("名簿にない有資格者"), default=0)
    report = models.JSONField(_("取り込めなかった行"), default=list, blank=True)
    started_at = models.DateTimeField(_("開始日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("加入者台帳の取り込み履歴")
        verbose_name_plural = _("加入者台帳の取り込み履歴")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.file_name


class PersonChange(models.Model):
    """The audit trail of a person: every change made by a roster import or by staff.

    Written by the service that makes the change, in the same transaction; never edited.
    `changes` holds {field: [before, after]} with dates as ISO text.
    """

    class Kind(models.TextChoices):
        UPDATED = "updated", _("異動（更新）")
        DISQUALIFIED = "disqualified", _("資格喪失")
        REQUALIFIED = "requalified", _("資格喪失の取消")
        MOVED = "moved", _("記号・番号の変更")
        MISSING = "missing", _("名簿にない（要確認）")
        REAPPEARED = "reappeared", _("名簿に再掲")
        ACCESS_EXTENDED = "access_extended", _("ログイン期限の延長")

    person = models.ForeignKey(
        Person, verbose_name=_("加入者"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("種類"), max_length=16, choices=Kind.choices)
    changes = models.JSONField(_("変更内容"), default=dict)
    roster_import = models.ForeignKey(
        RosterImport,
        verbose_name=_("取り込み"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("加入者の変更履歴")
        verbose_name_plural = _("加入者の変更履歴")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "-created_at"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class OutboundEmail(models.Model):
    """One e-mail queued for delivery by `kosmo.tasks.deliver_email`.

    The row makes delivery idempotent (a duplicate task finds it sent) and leaves a record
    of what was sent to whom; the bodies, which may hold codes or links, are cleared once
    the message has left.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("送信失敗")

    to = models.JSONField(_("宛先"))
    from_email = models.CharField(_("送信元"), max_length=200, blank=True)
    template = models.CharField(_("テンプレート"), max_length=100)
    subject = models.CharField(_("件名"), max_length=255)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    state = models.CharField(
        _("状態"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    last_error = models.TextField(_("エラー"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("送信メール")
        verbose_name_plural = _("送信メール")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


def _private_storage():
    """The private storage, lazily: it follows STORAGES["private"] (kosmo.storage)."""
    from kosmo.storage import private_storage

    return private_storage


# Renders a job may start after the member asked (workers lost mid-render are re-queued by
# the beat until then); the last one lost fails the job, and the member's 「再試行」 allows as
# many again.
DOCUMENT_MAX_ATTEMPTS = 3


class StaffAuditRecord(models.Model):
    """What every audit row of staff actions holds: the union, the staff member (kept as
    NULL once their account is gone) and when. Each app's audit model adds what was done
    to what (wellness: club, diary, points, walking)."""

    union = models.ForeignKey(
        Union, verbose_name=_("健康保険組合"), on_delete=models.CASCADE, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作した職員"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        abstract = True


class DocumentJob(models.Model):
    """A document (PDF) rendered in the background for one account: the page reads this row,
    never Celery. pending → running → ready | failed; failed can be retried.

    At most one pending or running job exists per account, kind and parameters, so a second
    click while one runs does not start a duplicate.

    A pending or running job has a `deadline`: a queued job must be taken by a worker by
    then, a running one finished (its lease). Past it the job is overdue: the beat re-queues
    it (kosmo.documents.requeue_overdue) and the member is offered 「再試行」.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("受付済み")
        RUNNING = "running", _("生成中")
        READY = "ready", _("完了")
        FAILED = "failed", _("失敗")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_jobs"
    )
    kind = models.CharField(_("種類"), max_length=50)
    params = models.JSONField(_("条件"), default=dict)
    params_key = models.CharField(max_length=64)
    state = models.CharField(_("状態"), max_length=16, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to="documents/%Y/%m/", storage=_private_storage, blank=True)
    filename = models.CharField(_("ファイル名"), max_length=200, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)  # renders started
    attempt_limit = models.PositiveSmallIntegerField(
        _("試行回数の上限"), default=DOCUMENT_MAX_ATTEMPTS
    )
    deadline = models.DateTimeField(_("期限"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("帳票の生成")
        verbose_name_plural = _("帳票の生成")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "params_key"],
                condition=Q(state__in=["pending", "running"]),
                name="document_job_one_active",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "kind", "params_key", "-created_at"]),
            # The beat's question: which active jobs are past their deadline.
            models.Index(
                fields=["deadline"],
                condition=Q(state__in=["pending", "running"]),
                name="document_job_active_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_state_display()})"

    def is_overdue(self, now: dt.datetime) -> bool:
        """Pending or running at or past its deadline (the deadline's instant included)."""
        return (
            self.state in (self.State.PENDING, self.State.RUNNING)
            and self.deadline is not None
            and self.deadline <= now
        )

    @property
    def overdue(self) -> bool:
        """For pages: overdue now, so 「再試行」 is offered."""
        return self.is_overdue(timezone.now())
