from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from kosmo.admin import UnionScopedAdmin


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["username"]


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(UnionScopedAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "display_name", "union", "is_temporary_id", "is_active", "is_staff"]
    list_select_related = ["person", "union"]
    list_filter = ["union", "is_active", "is_staff", "is_temporary_id"]
    search_fields = ["username", "email", "person__family_name", "person__given_name"]
    ordering = ["username"]
    autocomplete_fields = ["person"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("加入者"), {"fields": ["union", "person", "email", "is_temporary_id"]}),
        (
            _("権限"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("日時"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "union", "person", "password1", "password2"],
            },
        ),
    ]

    @admin.display(description=_("氏名"))
    def display_name(self, user):
        return user.display_name
