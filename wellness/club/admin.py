"""Staff screens for MY HEALTH CLUB: articles (with their body images), tags and スペシャル
サポーター of the staff member's union; every change leaves a StaffAction row (the audit trail,
read-only here). Members' favourites and read events are theirs and are not edited here."""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kosmo.admin import UnionScopedAdmin, UnionScopedInlineMixin, is_deployment_admin
from wellness.club import services
from wellness.club.models import Article, ArticleImage, StaffAction, Supporter, Tag


class OwnUnionAdmin(UnionScopedAdmin):
    """Rows union staff write for their own union (the union is set for them), each change
    audited in the same transaction."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not is_deployment_admin(request.user):
            exclude.append("union")
        return exclude

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if is_deployment_admin(request.user):
            return fields
        return [name for name in fields if name != "union"]

    def save_model(self, request, obj, form, change):
        if not is_deployment_admin(request.user):
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            self.after_related(form.instance)
            services.record_staff_action(
                staff=request.user,
                obj=form.instance,
                action=StaffAction.Action.CHANGED if change else StaffAction.Action.CREATED,
                changed_fields=form.changed_data,
            )

    def after_related(self, obj) -> None:
        """Work that needs the related rows (tags) saved."""

    def delete_model(self, request, obj):
        with transaction.atomic():
            services.record_staff_action(
                staff=request.user, obj=obj, action=StaffAction.Action.DELETED
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.record_staff_action(
                    staff=request.user, obj=obj, action=StaffAction.Action.DELETED
                )
            super().delete_queryset(request, queryset)


class ArticleImageInline(UnionScopedInlineMixin, admin.TabularInline):
    model = ArticleImage
    extra = 1
    fields = ["image", "alt", "url"]
    readonly_fields = ["url"]

    @admin.display(description=_("本文に貼るときのURL"))
    def url(self, image):
        return image.image.url if image.pk and image.image else "-"


@admin.register(Article)
class ArticleAdmin(OwnUnionAdmin):
    list_display = ["title", "category", "supporter", "publish_from", "publish_until"]
    list_filter = ["category", "union"]
    list_select_related = ["supporter"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "publish_from"
    filter_horizontal = ["tags"]
    inlines = [ArticleImageInline]
    fields = [
        "union",
        "category",
        "title",
        "summary",
        "body",
        "image",
        "image_alt",
        "supporter",
        "supporter_role",
        "tags",
        "publish_from",
        "publish_until",
    ]

    def after_related(self, obj) -> None:
        services.refresh_search_text(obj)


@admin.register(Supporter)
class SupporterAdmin(OwnUnionAdmin):
    list_display = ["name", "title", "order"]
    list_editable = ["order"]
    search_fields = ["name", "title"]


@admin.register(Tag)
class TagAdmin(OwnUnionAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class SubjectFilter(admin.SimpleListFilter):
    title = _("対象")
    parameter_name = "subject"

    def lookups(self, request, model_admin):
        return [
            (model._meta.model_name, model._meta.verbose_name)
            for model in (Article, Supporter, Tag)
        ]

    def queryset(self, request, queryset):
        return queryset.filter(subject=self.value()) if self.value() else queryset


@admin.register(StaffAction)
class StaffActionAdmin(UnionScopedAdmin):
    """The audit trail: append-only, written by the services."""

    list_display = ["at", "staff", "action", "subject_name", "title", "changed"]
    list_filter = ["action", SubjectFilter]
    list_select_related = ["staff"]
    date_hierarchy = "at"
    # The row keeps the model and field names; staff read their Japanese names.
    exclude = ["subject", "changed_fields"]
    readonly_fields = ["subject_name", "changed"]

    @admin.display(description=_("対象"), ordering="subject")
    def subject_name(self, action):
        model = self.subject_model(action)
        return model._meta.verbose_name if model else action.subject

    @admin.display(description=_("変更した項目"))
    def changed(self, action):
        model = self.subject_model(action)
        names = [name for name in action.changed_fields.split(", ") if name]
        return "、".join(str(self.field_name(model, name)) for name in names) or "-"

    @staticmethod
    def subject_model(action):
        try:
            return apps.get_model(StaffAction._meta.app_label, action.subject)
        except LookupError:
            return None

    @staticmethod
    def field_name(model, name):
        try:
            return model._meta.get_field(name).verbose_name if model else name
        except FieldDoesNotExist:
            return name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
