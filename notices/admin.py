"""Staff screens: news, MY mail (one member or a segment), replies, help content."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kosmo.admin import UnionScopedAdmin, is_deployment_admin
from kosmo.models import Person
from notices import services, unread
from notices.models import (
    Broadcast,
    FaqCategory,
    FaqQuestion,
    GuideSection,
    Message,
    Notice,
    Reply,
)


def _staff_union_id(request) -> int | None:
    """The union a staff member works for; None for a deployment superuser."""
    return None if is_deployment_admin(request.user) else request.user.union_id


class OwnUnionAdmin(UnionScopedAdmin):
    """Union staff write rows of their own union only (the union field is theirs, fixed);
    a deployment superuser chooses, and may leave it empty for every union."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if _staff_union_id(request) is not None:
            exclude.append("union")
        return exclude

    def save_model(self, request, obj, form, change):
        union_id = _staff_union_id(request)
        if union_id is not None:
            obj.union_id = union_id
        super().save_model(request, obj, form, change)


@admin.register(Notice)
class NoticeAdmin(OwnUnionAdmin):
    list_display = ["title", "category", "union", "publish_from", "publish_until", "emailed_at"]
    list_filter = ["category", "union"]
    search_fields = ["title", "body"]
    date_hierarchy = "publish_from"
    readonly_fields = ["emailed_at"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.notice_saved(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _notices_gone({obj.union_id})

    def delete_queryset(self, request, queryset):
        # 「選択されたお知らせの削除」 deletes without delete_model: the counts must follow too.
        union_ids = set(queryset.values_list("union_id", flat=True))
        super().delete_queryset(request, queryset)
        _notices_gone(union_ids)


def _notices_gone(union_ids: set[int | None]) -> None:
    """Unread counts forget deleted notices (None: a service notice of every union)."""
    for union_id in union_ids:
        if union_id is None:
            unread.bump_global()
        else:
            unread.bump_union(union_id)


class ReplyInline(admin.StackedInline):
    model = Reply
    extra = 0
    can_delete = False
    fields = ["created_at", "body", "staff_read_at"]
    readonly_fields = ["created_at", "body", "staff_read_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(UnionScopedAdmin):
    """MY mail to one member. Sent messages are a record: they cannot be edited."""

    list_display = [
        "subject",
        "recipient",
        "requires_reply",
        "sent_at",
        "read_at",
        "reply_count",
    ]
    list_filter = ["requires_reply", ("read_at", admin.EmptyFieldListFilter), "union"]
    search_fields = ["subject", "recipient__family_name", "recipient__given_name"]
    list_select_related = ["recipient"]
    autocomplete_fields = ["recipient"]
    fields = ["recipient", "subject", "body", "requires_reply", "sender_label"]
    inlines = [ReplyInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reply_total=Count("replies"))

    @admin.display(description=_("返信"), ordering="reply_total")
    def reply_count(self, obj) -> int:
        return obj.reply_total

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.fields, "broadcast", "sent_at", "read_at"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        union_id = _staff_union_id(request)
        if obj is None and union_id is not None and "recipient" in form.base_fields:
            form.base_fields["recipient"].queryset = Person.objects.filter(
                household__union_id=union_id
            )
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return
        message = services.send_message(
            form.cleaned_data["recipient"],
            form.cleaned_data["subject"],
            form.cleaned_data["body"],
            requires_reply=form.cleaned_data["requires_reply"],
            sender_label=form.cleaned_data["sender_label"],
        )
        obj.pk = message.pk
        obj.union_id = message.union_id

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def has_change_permission(self, request, obj=None):
        # The change page stays viewable (replies); nothing on it is editable.
        return super().has_change_permission(request, obj) if obj is None else False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or super().has_change_permission(
            request, obj
        )


@admin.register(Broadcast)
class BroadcastAdmin(OwnUnionAdmin):
    """MY mail to a segment: write, check 「対象人数」, then 「送信する」."""

    list_display = ["subject", "segment", "sent_at", "recipient_count"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject"]
    actions = ["send"]
    fieldsets = [
        (None, {"fields": ["union", "subject", "body", "requires_reply", "sender_label"]}),
        (
            _("送信対象"),
            {"fields": ["role", "sex", "age_min", "age_max", "with_account_only", "audience"]},
        ),
        (_("送信結果"), {"fields": ["sent_at", "recipient_count", "emailed_at"]}),
    ]
    readonly_fields = ["audience", "sent_at", "recipient_count", "emailed_at"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if _staff_union_id(request) is None:
            return fieldsets
        first = (None, {"fields": [f for f in fieldsets[0][1]["fields"] if f != "union"]})
        return [first, *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.sent_at is not None:
            return [
                "subject",
                "body",
                "requires_reply",
                "sender_label",
                "role",
                "sex",
                "age_min",
                "age_max",
                "with_account_only",
                *self.readonly_fields,
            ]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # members keep what they received
        if obj is not None and obj.sent_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("送信対象"))
    def segment(self, obj) -> str:
        parts = [obj.get_role_display()]
        if obj.sex:
            parts.append(obj.get_sex_display())
        if obj.age_min is not None or obj.age_max is not None:
            low = "" if obj.age_min is None else obj.age_min
            high = "" if obj.age_max is None else obj.age_max
            parts.append(_("%(low)s〜%(high)s歳") % {"low": low, "high": high})
        if obj.with_account_only:
            parts.append(str(_("アカウント発行済みの方のみ")))
        return " / ".join(str(part) for part in parts)

    @admin.display(description=_("対象人数(本日時点)"))
    def audience(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "-"
        if obj.sent_at is not None:
            return str(obj.recipient_count)
        return str(obj.recipients().count())

    @admin.action(description=_("選択したMYメールを送信する"), permissions=["change"])
    def send(self, request, queryset):
        total = sent = 0
        for broadcast in queryset.filter(sent_at__isnull=True):
            total += services.send_broadcast(broadcast, sent_by=request.user)
            sent += 1
        self.message_user(
            request,
            ngettext(
                "%(sent)d件のMYメールを%(total)d人に送信しました。",
                "%(sent)d件のMYメールを%(total)d人に送信しました。",
                sent,
            )
            % {"sent": sent, "total": total},
            messages.SUCCESS,
        )


@admin.register(Reply)
class ReplyAdmin(UnionScopedAdmin):
    """Replies to 「要返信」 MY mail, newest first; unread ones first to answer."""

    union_path = "message__union"
    list_display = ["message", "recipient", "created_at", "staff_read_at"]
    list_filter = [("staff_read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["message__recipient"]
    search_fields = ["message__subject", "body"]
    readonly_fields = ["message", "recipient", "body", "created_at", "staff_read_at"]
    fields = readonly_fields
    actions = ["mark_read"]

    @admin.display(description=_("返信者"))
    def recipient(self, obj) -> Person:
        return obj.message.recipient

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or super().has_change_permission(
            request, obj
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.get_queryset(request).filter(pk=object_id, staff_read_at__isnull=True).update(
            staff_read_at=timezone_now()
        )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("確認済みにする"), permissions=["view"])
    def mark_read(self, request, queryset):
        queryset.filter(staff_read_at__isnull=True).update(staff_read_at=timezone_now())


class FaqQuestionInline(admin.StackedInline):
    model = FaqQuestion
    extra = 1
    fields = ["order", "question", "answer"]


@admin.register(FaqCategory)
class FaqCategoryAdmin(OwnUnionAdmin):
    list_display = ["title", "key", "union", "order", "question_count"]
    list_filter = ["union"]
    inlines = [FaqQuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description=_("質問数"))
    def question_count(self, obj) -> int:
        return obj.question_total


@admin.register(GuideSection)
class GuideSectionAdmin(OwnUnionAdmin):
    list_display = ["title", "key", "union", "order"]
    list_filter = ["union"]
