"""Staff screens: the 給付種別 master (kept here by staff) and the payments and their import
history (imported from the union's systems, so read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts import lookup
from benefits import queries
from benefits.models import BenefitImport, BenefitPayment, BenefitType
from kosmo.admin import UnionScopedAdmin, is_deployment_admin
from kosmo.dates import format_year_month
from kosmo.money import format_en


class ReadOnlyAdmin(UnionScopedAdmin):
    """Imported rows: staff look, search and filter; the next import is how they change."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class BenefitTypeForm(forms.ModelForm):
    """A union's staff edit their own master: the union is theirs, codes and names unique in it."""

    union_id: int | None = None  # set per request by BenefitTypeAdmin.get_form

    class Meta:
        model = BenefitType
        fields = ["union", "code", "name", "sort_order"]

    def clean(self):
        cleaned = super().clean()
        union_id = self.union_id or getattr(cleaned.get("union"), "pk", None)
        if union_id is None:
            return cleaned
        others = BenefitType.objects.filter(union_id=union_id).exclude(pk=self.instance.pk)
        for name, label in (("code", _("給付種別コード")), ("name", _("給付種別"))):
            value = cleaned.get(name)
            if value and others.filter(**{name: value}).exists():
                self.add_error(name, _("この%(label)sは登録済みです。") % {"label": label})
        return cleaned


@admin.register(BenefitType)
class BenefitTypeAdmin(UnionScopedAdmin):
    form = BenefitTypeForm
    list_display = ["code", "name", "sort_order", "union"]
    list_display_links = ["code", "name"]
    list_filter = [("union", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    ordering = ["union", "sort_order", "code"]

    def get_fields(self, request, obj=None):
        fields = ["union", "code", "name", "sort_order"]
        if not is_deployment_admin(request.user):
            fields.remove("union")  # a union's staff keep their own union's master
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.union_id = request.user.union_id
        return form

    def save_model(self, request, obj, form, change):
        if request.user.union_id is not None:
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)


@admin.register(BenefitPayment)
class BenefitPaymentAdmin(ReadOnlyAdmin):
    union_path = "household__union"
    list_display = [
        "paid",
        "person",
        "benefit_type",
        "service",
        "period_start",
        "period_end",
        "days",
        "yen",
        "note",
    ]
    list_select_related = ["person", "benefit_type"]
    list_filter = ["paid_month", "benefit_type"]
    search_fields = [
        "person__family_name",
        "person__given_name",
        "person__family_name_kana",
        "person__given_name_kana",
        "household__number",
    ]
    date_hierarchy = "paid_month"
    show_full_result_count = False
    # Months as 「2026年10月」 and amounts as 「8,200円」, as the member's notice shows them.
    fields = [
        "person",
        "benefit_type",
        "paid",
        "decided_on",
        "service",
        "period_start",
        "period_end",
        "days",
        "yen",
        "note",
        "batch",
    ]
    readonly_fields = fields

    @admin.display(description=_("支給年月"), ordering="paid_month")
    def paid(self, payment):
        return format_year_month(payment.paid_month)

    @admin.display(description=_("診療年月"), ordering="service_month")
    def service(self, payment):
        return format_year_month(payment.service_month) or self.get_empty_value_display()

    @admin.display(description=_("支給金額"), ordering="amount")
    def yen(self, payment):
        return format_en(payment.amount)


@admin.register(BenefitImport)
class BenefitImportAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "file_name",
        "rows_total",
        "rows_imported",
        "rows_rejected",
        "rows_replaced",
        "union",
    ]
    list_filter = [("union", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["file_name"]


lookup.register(
    lookup.by_fiscal_year(
        key="benefits",
        label=_("給付金"),
        template="admin/benefits/lookup.html",
        model=BenefitPayment,
        month_field="paid_month",
        statement=queries.statement,
    )
)
