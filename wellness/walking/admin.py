"""Staff screens for 歩Fes.: the union's events and courses (checkpoints as data), teams and
entries. Every staff change to an entry leaves a StaffAction row in the same transaction (the
audit trail, read-only here). Stamps and ranking snapshots are not edited by hand."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kosmo.admin import UnionScopedAdmin, UnionScopedInlineMixin, is_deployment_admin
from wellness.walking import queries, services
from wellness.walking.models import Checkpoint, Course, Entry, StaffAction, Team, WalkingEvent


class OwnUnionAdmin(UnionScopedAdmin):
    """Rows union staff write for their own union (the union is set for them)."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not is_deployment_admin(request.user):
            exclude.append("union")
        return exclude

    def save_model(self, request, obj, form, change):
        if not is_deployment_admin(request.user):
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)


class CheckpointInline(UnionScopedInlineMixin, admin.TabularInline):
    model = Checkpoint
    fields = ["name", "distance_km", "x", "y"]
    extra = 1


@admin.register(Course)
class CourseAdmin(OwnUnionAdmin):
    list_display = ["name"]
    inlines = [CheckpointInline]


@admin.register(WalkingEvent)
class WalkingEventAdmin(OwnUnionAdmin):
    list_display = ["title", "entry_start", "entry_end", "start_on", "end_on", "team_battle"]
    list_filter = ["team_battle", "published"]
    readonly_fields = ["ranked_at"]
    date_hierarchy = "start_on"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: queries.forget_banner(obj.union_id))


@admin.register(Team)
class TeamAdmin(UnionScopedAdmin):
    union_path = "event__union"
    list_display = ["name", "emblem", "code", "event", "created_at"]
    list_filter = ["event"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "event", "created_at"]


@admin.register(Entry)
class EntryAdmin(UnionScopedAdmin):
    """Staff may correct a nickname or a team, or remove an entry; each is audited."""

    union_path = "event__union"
    list_display = ["nickname", "event", "team", "entered_at"]
    list_filter = ["event"]
    list_select_related = ["event", "team"]
    search_fields = ["nickname"]
    fields = ["event", "person", "nickname", "team", "entered_at"]
    readonly_fields = ["event", "person", "entered_at"]

    def has_add_permission(self, request):
        return False  # members enter themselves

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "team" and request.resolver_match.kwargs.get("object_id"):
            entry = Entry.objects.filter(pk=request.resolver_match.kwargs["object_id"]).first()
            if entry is not None:
                field.queryset = field.queryset.filter(event_id=entry.event_id)
        return field

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.record_staff_action(
                staff=request.user,
                entry=obj,
                action=StaffAction.Action.CHANGED,
                changed_fields=form.changed_data,
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            services.record_staff_action(
                staff=request.user, entry=obj, action=StaffAction.Action.DELETED
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset.select_related("event"):
                services.record_staff_action(
                    staff=request.user, entry=obj, action=StaffAction.Action.DELETED
                )
            super().delete_queryset(request, queryset)


@admin.register(StaffAction)
class StaffActionAdmin(UnionScopedAdmin):
    """The audit trail: append-only, written by the services."""

    list_display = ["at", "staff", "action", "event_title", "nickname", "changed"]
    list_filter = ["action"]
    list_select_related = ["staff"]
    # The row keeps the entry's field names; staff read their Japanese names.
    exclude = ["changed_fields"]
    readonly_fields = ["changed"]

    @admin.display(description=_("変更した項目"))
    def changed(self, action):
        names = [name for name in action.changed_fields.split(", ") if name]
        return "、".join(str(field_name(Entry, name)) for name in names) or "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def field_name(model, name: str):
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name
