"""Staff screens of 日々の記録: the union's item overrides (name, range, order, on/off), with
the shipped items listed beside them, and the step-import jobs read-only (for support).
Every queryset starts from the staff member's union. Members' values are not shown here: they
are the member's own health notes, not union data. Changes are in Django's admin log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kosmo.admin import UnionScopedAdmin
from wellness.records.items import SHIPPED_BY_KEY
from wellness.records.models import ItemOverride, StepImport


@admin.register(ItemOverride)
class ItemOverrideAdmin(UnionScopedAdmin):
    list_display = ["item_key", "name", "minimum", "maximum", "order", "enabled", "shipped"]
    list_editable = ["enabled"]
    readonly_fields = ["shipped"]

    def get_exclude(self, request, obj=None):
        return ["union"] if request.user.union_id else []

    def save_model(self, request, obj, form, change):
        if request.user.union_id:
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)

    @admin.display(description=_("標準の設定"))
    def shipped(self, override):
        item = SHIPPED_BY_KEY.get(override.item_key)
        if item is None:
            return "-"
        if not item.recordable:
            return f"{item.name} (体重と身長から計算)"
        return f"{item.name} {item.display(item.minimum)}〜{item.display(item.maximum)}{item.unit}"


@admin.register(StepImport)
class StepImportAdmin(UnionScopedAdmin):
    union_path = "person__household__union"
    list_display = ["created_at", "file_name", "source", "state", "days_saved", "days_skipped"]
    list_filter = ["state", "source"]
    fields = [
        "person",
        "file_name",
        "size",
        "source",
        "state",
        "rows_read",
        "days_saved",
        "days_skipped",
        "error",
        "created_at",
        "finished_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
