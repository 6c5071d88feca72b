"""Staff moderation of 健康日記, scoped to the staff member's union: the reports queue, the posts
(hide, show again, delete) and the members (restrict, lift). Every action goes through
wellness.diary.services, which writes the ModerationAction audit row and tells the member."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from kosmo.admin import UnionScopedAdmin
from wellness.diary import services
from wellness.diary.models import DiaryPost, ModerationAction, Participant, Report


class ReadOnlyRowsMixin:
    """Members write these rows; staff act on them only through the actions."""

    def has_add_permission(self, request):
        return False


@admin.action(description=_("選択した投稿を非表示にする（投稿者にMYメールで通知）"),
              permissions=["change"])  # fmt: skip
def hide_posts(modeladmin, request, queryset):
    done = sum(services.hide_post(staff=request.user, post=post) for post in queryset)
    modeladmin.message_user(request, _("%(count)d件の投稿を非表示にしました。") % {"count": done})


@admin.action(description=_("選択した投稿を再表示する"), permissions=["change"])
def show_posts(modeladmin, request, queryset):
    done = sum(services.show_post(staff=request.user, post=post) for post in queryset)
    modeladmin.message_user(request, _("%(count)d件の投稿を再表示しました。") % {"count": done})


@admin.action(description=_("選択した投稿を削除する（投稿者にMYメールで通知）"),
              permissions=["delete"])  # fmt: skip
def delete_posts(modeladmin, request, queryset):
    count = 0
    for post in queryset.select_related("author__household"):
        services.delete_post(staff=request.user, post=post)
        count += 1
    modeladmin.message_user(request, _("%(count)d件の投稿を削除しました。") % {"count": count})


@admin.register(DiaryPost)
class DiaryPostAdmin(ReadOnlyRowsMixin, UnionScopedAdmin):
    list_display = ["created_at", "author", "body", "report_count", "hidden_at"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__profile__nickname"]
    readonly_fields = ["author", "body", "image", "created_at", "hidden_at", "hidden_reason"]
    fields = readonly_fields
    actions = [hide_posts, show_posts, delete_posts]
    list_select_related = ["author"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_reports=Count("reports", filter=Q(reports__handled_at__isnull=True)))
        )

    @admin.display(description=_("未対応の通報"), ordering="open_reports")
    def report_count(self, obj) -> int:
        return obj.open_reports

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting goes through delete_posts (audit, mail)
        return actions

    def delete_model(self, request, obj):
        services.delete_post(staff=request.user, post=obj)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            services.delete_post(staff=request.user, post=post)


@admin.action(description=_("通報された投稿を非表示にする（投稿者にMYメールで通知）"),
              permissions=["change"])  # fmt: skip
def hide_reported(modeladmin, request, queryset):
    posts = {report.post for report in queryset.select_related("post")}
    done = sum(services.hide_post(staff=request.user, post=post) for post in posts)
    modeladmin.message_user(request, _("%(count)d件の投稿を非表示にしました。") % {"count": done})


@admin.action(description=_("問題なしとして対応済みにする"), permissions=["change"])
def dismiss(modeladmin, request, queryset):
    posts = {report.post for report in queryset.select_related("post__author__household")}
    for post in posts:
        services.dismiss_reports(staff=request.user, post=post)
    modeladmin.message_user(request, _("通報を対応済みにしました。"))


class OpenFilter(admin.SimpleListFilter):
    title = _("対応状況")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("未対応")), ("handled", _("対応済み"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(handled_at__isnull=True)
        if self.value() == "handled":
            return queryset.filter(handled_at__isnull=False)
        return queryset


@admin.register(Report)
class ReportAdmin(ReadOnlyRowsMixin, UnionScopedAdmin):
    """The moderation queue: open reports first, newest first."""

    list_display = ["created_at", "reason", "post", "post_author", "handled_at"]
    list_filter = [OpenFilter, "reason"]
    list_select_related = ["post__author"]
    readonly_fields = ["post", "reporter", "reason", "created_at", "handled_at"]
    fields = readonly_fields
    actions = [hide_reported, dismiss]

    @admin.display(description=_("投稿者"))
    def post_author(self, obj):
        return obj.post.author

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("選択した会員の投稿を制限する（MYメールで通知）"),
              permissions=["change"])  # fmt: skip
def restrict(modeladmin, request, queryset):
    done = sum(services.restrict(staff=request.user, participant=row) for row in queryset)
    modeladmin.message_user(request, _("%(count)d人の投稿を制限しました。") % {"count": done})


@admin.action(description=_("選択した会員の投稿制限を解除する"), permissions=["change"])
def lift(modeladmin, request, queryset):
    done = sum(services.lift_restriction(staff=request.user, participant=row) for row in queryset)
    modeladmin.message_user(
        request, _("%(count)d人の投稿制限を解除しました。") % {"count": done}, messages.SUCCESS
    )


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyRowsMixin, UnionScopedAdmin):
    list_display = ["person", "agreed_at", "violations", "restricted_at"]
    list_filter = [("restricted_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "person", "terms_version", "agreed_at", "violations", "restricted_at",
        "restriction_reason",
    ]  # fmt: skip
    fields = readonly_fields
    actions = [restrict, lift]
    list_select_related = ["person"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(UnionScopedAdmin):
    """The audit trail: read only."""

    list_display = ["at", "action", "staff", "member", "post_id_value", "excerpt", "reason"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
