"""Staff screens: certificates (交付・有効期限・利用停止), 住所変更 requests to apply, and the
臓器提供の意思表示 members confirmed (read-only). Each scoped to the staff member's union."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import lookup
from eligibility import services
from eligibility.models import AddressChangeRequest, EligibilityCertificate, OrganDonationIntent
from kosmo.admin import UnionScopedAdmin

PERSON_UNION = "person__household__union"


@admin.register(EligibilityCertificate)
class EligibilityCertificateAdmin(UnionScopedAdmin):
    union_path = PERSON_UNION
    list_display = ["person", "issued_on", "expires_on", "suspended"]
    list_filter = ["suspended", "expires_on"]
    list_select_related = ["person"]
    search_fields = ["person__family_name", "person__given_name", "person__household__number"]
    autocomplete_fields = ["person"]
    fields = ["person", "issued_on", "expires_on", "suspended", "suspension_reason"]
    actions = ["suspend", "resume"]

    @admin.action(description=_("選択した資格確認書を利用停止にする"), permissions=["change"])
    def suspend(self, request, queryset):
        # update() skips auto_now: 更新日時 is set here so staff see when it was stopped.
        count = queryset.update(suspended=True, updated_at=timezone.now())
        self.message_user(request, _("%(count)d件を利用停止にしました。") % {"count": count})

    @admin.action(description=_("選択した資格確認書の利用停止を解除する"), permissions=["change"])
    def resume(self, request, queryset):
        count = queryset.update(suspended=False, suspension_reason="", updated_at=timezone.now())
        self.message_user(request, _("%(count)d件の利用停止を解除しました。") % {"count": count})


@admin.register(AddressChangeRequest)
class AddressChangeRequestAdmin(lookup.RecordsStaffLooks, UnionScopedAdmin):
    union_path = PERSON_UNION
    staff_look_subject = "eligibility"
    list_display = ["person", "postal_code", "address", "requested_at", "applied_at"]
    list_filter = [("applied_at", admin.EmptyFieldListFilter)]
    list_select_related = ["person"]
    search_fields = ["person__family_name", "person__given_name", "address"]
    readonly_fields = [
        "person",
        "requested_by",
        "postal_code",
        "address",
        "requested_at",
        "applied_at",
        "applied_by",
    ]
    actions = ["apply"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("選択した住所変更を加入者の住所に反映する"), permissions=["change"])
    def apply(self, request, queryset):
        applied = sum(
            services.apply_address_change(change=change, staff=request.user)
            for change in queryset.select_related("person")
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d件の住所変更を反映しました。",
                "%(count)d件の住所変更を反映しました。",
                applied,
            )
            % {"count": applied},
            messages.SUCCESS,
        )


@admin.register(OrganDonationIntent)
class OrganDonationIntentAdmin(lookup.RecordsStaffLooks, UnionScopedAdmin):
    union_path = PERSON_UNION
    staff_look_subject = "eligibility"
    list_display = ["person", "choice", "excluded", "recorded_at"]
    list_select_related = ["person"]
    search_fields = ["person__family_name", "person__given_name"]
    readonly_fields = ["person", "recorded_by", "choice", "excluded", "recorded_at"]
    fields = readonly_fields

    @admin.display(description=_("提供しなくてよい臓器"))
    def excluded(self, obj):
        return "・".join(obj.excluded_organ_labels)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
