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
from mfa.models import AuthenticatorApp, EmailCodeDevice, PasskeyDevice


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
    """Devices are the member's own: staff look and may delete, never create or edit.

    django-otp's fields have English names: the columns are labelled here."""

    union_path = "user__union"
    list_display = ["account", "label", "is_confirmed", "registered_at", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    fields = list_display
    readonly_fields = fields

    @admin.display(description=_("アカウント"), ordering="user__username")
    def account(self, device):
        return device.user

    @admin.display(description=_("名前"), ordering="name")
    def label(self, device):
        return device.name

    @admin.display(description=_("設定済み"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description=_("登録日時"), ordering="created_at")
    def registered_at(self, device):
        return device.created_at

    @admin.display(description=_("最終利用日時"), ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-otp's own admins are not scoped to a union and carry English names: staff see the
# devices through the Japanese-named proxies instead.
for model in (TOTPDevice, EmailDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(AuthenticatorApp, DeviceAdmin)
admin.site.register(EmailCodeDevice, DeviceAdmin)
admin.site.register(PasskeyDevice, DeviceAdmin)
