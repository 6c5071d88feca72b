"""Staff screens for MYポイント, scoped to the staff member's union: the point rules, the
catalogue (with gift codes), orders (fulfil, supplier CSV, exchanges from new browsers), point
adjustments and freezes (through the services, each with an audit row), and the audit trail."""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from kosmo.admin import UnionScopedAdmin, UnionScopedInlineMixin, is_deployment_admin
from wellness.points import exports, services
from wellness.points.models import (
    GiftCode,
    Item,
    Order,
    PointAccount,
    PointEntry,
    PointPolicy,
    StaffAction,
)

PERSON_UNION = "person__household__union"


class OwnUnionAdmin(UnionScopedAdmin):
    """Rows staff write for their own union: the union is set for them."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not is_deployment_admin(request.user):
            exclude.append("union")
        return exclude

    def save_model(self, request, obj, form, change):
        if not is_deployment_admin(request.user):
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)


@admin.register(PointPolicy)
class PointPolicyAdmin(OwnUnionAdmin):
    list_display = ["union", "expiry_months", "hold_threshold", "hold_hours", "new_browser_days"]


class GiftCodeInline(UnionScopedInlineMixin, admin.TabularInline):
    model = GiftCode
    extra = 3
    fields = ["code", "used"]
    readonly_fields = ["used"]

    @admin.display(description=_("使用済み"), boolean=True)
    def used(self, code):
        return bool(code.pk) and Order.objects.filter(gift_code=code).exists()


@admin.register(Item)
class ItemAdmin(OwnUnionAdmin):
    list_display = [
        "name",
        "kind",
        "points",
        "stock",
        "available_from",
        "available_until",
        "cancel_days",
        "published",
    ]
    list_filter = ["kind", "published", "union"]
    search_fields = ["name"]
    inlines = [GiftCodeInline]


@admin.register(Order)
class OrderAdmin(UnionScopedAdmin):
    """Orders: 「発送済みにする」 and the supplier's CSV; new-browser exchanges are a filter."""

    list_display = [
        "pk",
        "ordered_at",
        "person",
        "item",
        "points",
        "status",
        "new_browser",
        "browser",
        "hold_reason",
        "held_until",
    ]
    list_filter = ["status", "new_browser", "item__kind"]
    list_select_related = ["person", "item"]
    search_fields = ["item__name", "person__family_name", "person__given_name"]
    date_hierarchy = "ordered_at"
    actions = ["mark_fulfilled", "export_csv"]
    exclude = ["token", "gift_code"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("発送済みにする"), permissions=["change"])
    def mark_fulfilled(self, request, queryset):
        count = 0
        for order in queryset.filter(status=Order.Status.ORDERED):
            services.fulfil(order=order, staff=request.user)
            count += 1
        self.message_user(request, _("%(count)d件を発送済みにしました。") % {"count": count})

    @admin.action(description=_("CSVを出力する（仕入先向け）"), permissions=["view"])
    def export_csv(self, request, queryset):
        out = io.StringIO()
        exports.write_orders_csv(out, queryset.select_related("item").order_by("pk"))
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="point_orders.csv"'
        return response


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = PointEntry
        fields = ["person", "points", "reason"]
        labels = {"points": _("調整するポイント（減らすときはマイナス）"), "reason": _("理由")}
        error_messages = {"reason": {"required": _("理由を入力してください。")}}

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("0以外のポイントを入力してください。"))
        return points


@admin.register(PointEntry)
class PointEntryAdmin(UnionScopedAdmin):
    """The ledger, read-only; 「追加」 is a staff adjustment with its reason (and audit row)."""

    union_path = PERSON_UNION
    list_display = ["created_at", "person", "kind", "points", "reason", "valid_until", "staff"]
    list_filter = ["kind"]
    list_select_related = ["person", "staff"]
    search_fields = ["person__family_name", "person__given_name", "reason"]
    raw_id_fields = ["person"]
    date_hierarchy = "created_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AdjustmentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["person", "points", "reason"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        entry = services.adjust(
            person=obj.person, points=obj.points, reason=obj.reason, staff=request.user
        )
        obj.pk = entry.pk

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointAccount)
class PointAccountAdmin(UnionScopedAdmin):
    """Freeze a member's points (and unfreeze), each change with an audit row."""

    union_path = PERSON_UNION
    list_display = ["person", "frozen", "frozen_reason"]
    list_filter = ["frozen"]
    raw_id_fields = ["person"]
    search_fields = ["person__family_name", "person__given_name"]

    def get_readonly_fields(self, request, obj=None):
        return ["person"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        account = services.set_frozen(
            person=obj.person, frozen=obj.frozen, reason=obj.frozen_reason, staff=request.user
        )
        obj.pk = account.pk
        if obj.frozen:
            messages.info(request, _("ポイントを凍結しました。"))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StaffAction)
class StaffActionAdmin(UnionScopedAdmin):
    """The audit trail: append-only, written by the services."""

    list_display = ["at", "staff", "person", "action", "detail"]
    list_filter = ["action"]
    list_select_related = ["staff", "person"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
