"""Staff screens for second factors: each account's devices (read-only, union-scoped) and the
「二要素認証をリセットする」 action for a lost phone (FAQ Q14)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin import UserAdmin
from kosmo.admin import UnionScopedAdmin
from mfa import services
from mfa.models import PasskeyDevice


@admin.action(description=_("二要素認証をリセットする"), permissions=["change"])
def reset_second_factors(modeladmin, request, queryset):
    """Remove every device of the selected members and end their sessions; at the next login
    they set up a second factor again."""
    count = 0
    for user in queryset.filter(person__isnull=False):
        services.reset_factors(user=user, actor=request.user, request=request)
        count += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d件のアカウントの二要素認証をリセットしました。",
            "%(count)d件のアカウントの二要素認証をリセットしました。",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


UserAdmin.actions = [*UserAdmin.actions, reset_second_factors]


class DeviceAdmin(UnionScopedAdmin):
    """Devices are the member's own: staff look and may delete, never create or edit."""

    union_path = "user__union"
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for model in (TOTPDevice, EmailDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)  # django-otp's own admin is not scoped to a union
    admin.site.register(model, DeviceAdmin)
admin.site.register(PasskeyDevice, DeviceAdmin)
