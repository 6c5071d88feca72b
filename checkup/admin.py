"""Staff screens: imported checkups and import history read-only; the union's own criteria and
its 生活習慣改善コラム editable. Every queryset starts from the staff member's union."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import lookup
from checkup import criteria, queries
from checkup.models import (
    Checkup,
    CheckupImport,
    CheckupResult,
    Column,
    CriteriaOverride,
)
from kosmo.admin import UnionScopedAdmin


class ReadOnlyMixin:
    """Imported data: staff look, the union's systems write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CheckupResultInline(ReadOnlyMixin, admin.TabularInline):
    model = CheckupResult
    fields = ["item_name", "item_code", "value"]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("検査項目"))
    def item_name(self, result):
        return result.item_name


@admin.register(Checkup)
class CheckupAdmin(lookup.RecordsStaffLooks, ReadOnlyMixin, UnionScopedAdmin):
    union_path = "household__union"
    list_display = ["person", "exam_date", "institution"]
    list_select_related = ["person"]
    search_fields = ["person__family_name", "person__given_name", "person__family_name_kana"]
    date_hierarchy = "exam_date"
    fields = ["person", "exam_date", "institution", "batch"]
    readonly_fields = fields
    inlines = [CheckupResultInline]
    staff_look_subject = "checkup"


@admin.register(CheckupImport)
class CheckupImportAdmin(ReadOnlyMixin, UnionScopedAdmin):
    list_display = ["file_name", "created_at", "rows_total", "rows_imported", "rows_rejected"]
    fields = [*list_display, "sha256", "report"]
    readonly_fields = fields


class UnionOwnedAdmin(UnionScopedAdmin):
    """Rows a union's staff create for their own union (the union is set for them)."""

    def get_exclude(self, request, obj=None):
        return ["union"] if request.user.union_id else []

    def save_model(self, request, obj, form, change):
        if request.user.union_id:
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)


@admin.register(CriteriaOverride)
class CriteriaOverrideAdmin(UnionOwnedAdmin):
    list_display = ["item_key", "sex", "reference", "note"]
    list_filter = ["item_key"]
    readonly_fields = ["shipped"]

    def changelist_view(self, request, extra_context=None):
        """Below the union's overrides, the shipped table they override (read-only)."""
        rules = criteria.Rules.with_overrides([])
        sexes = {"*": "男女共通", "1": "男", "2": "女"}
        rows = []
        for item in rules.items.values():
            if item.kind == "answer":
                continue
            for sex in sorted({*item.grades, *item.reference, *item.referral} or {"*"}):
                bands = item.grades.get(sex)
                rows.append(
                    {
                        "name": item.name,
                        "code": item.code,
                        "unit": item.unit,
                        "sex": sexes[sex],
                        "reference": item.reference.get(sex, ""),
                        "grades": " → ".join(
                            f"{band['grade']} {queries.describe(band) or '(その他)'}"
                            for band in bands
                        )
                        if bands
                        else "",
                        "referral": queries.describe(item.referral.get(sex)),
                    }
                )
        extra_context = {
            **(extra_context or {}),
            "shipped_items": rows,
            "rules_version": rules.version,
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("標準の基準 (組合設定がないときに使われる値)"))
    def shipped(self, override):
        rules = criteria.base_rules()
        raw = next((i for i in rules["items"] if i["key"] == override.item_key), None)
        if raw is None:
            return "-"
        shown = {
            name: raw.get(name)
            for name in ("grades", "reference", "in_reference", "referral")
            if raw.get(name)
        }
        return format_html(
            "<pre>{}</pre>", json.dumps(shown, ensure_ascii=False, indent=1, default=str)
        )


@admin.register(Column)
class ColumnAdmin(UnionOwnedAdmin):
    list_display = ["title", "category", "published", "order"]
    list_filter = ["category", "published"]
    list_editable = ["published", "order"]
    search_fields = ["title", "body"]


lookup.register(
    lookup.Lookup(
        key="checkup",
        label=_("健診"),
        permission="checkup.view_checkup",
        template="admin/checkup/lookup.html",
        years=lambda person: [],  # the table shows the latest exams, as the member's does
        context=lambda person, year: {
            "table": queries.results_table(person, criteria.Rules.for_union(person.household.union))
        },
    )
)
