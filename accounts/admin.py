"""Staff screens for accounts (ACC-14), each scoped to the staff member's union.

Temporary passwords (issued accounts, re-issued passwords) are shown once, on the page the
action answers with, and never stored: not in the database, not in the session or a
messages cookie.
"""

from __future__ import annotations

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import lockout, lookup
from accounts.management.commands.issue_accounts import Letter, issuable, issue_letters
from accounts.models import SecurityEvent, TermsConsent, TermsVersion, User
from accounts.services import force_password_reset
from kosmo.admin import PERSON_ACTIONS, PERSON_URLS, UnionScopedAdmin, is_deployment_admin


def _temporary_passwords_page(request, *, title: str, letters: list[Letter], back_url: str):
    """The one and only showing of temporary passwords: never cached, never stored."""
    response = TemplateResponse(
        request,
        "admin/accounts/temporary_passwords.html",
        {
            **admin.site.each_context(request),
            "title": title,
            "letters": letters,
            "back_url": back_url,
        },
    )
    add_never_cache_headers(response)
    return response


# --- Accounts ----------------------------------------------------------------------------------


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["username"]


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class LockStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("ロック状態")
    parameter_name = "lock"

    def lookups(self, request, model_admin):
        return [
            ("locked", gettext_lazy("ロック中（すべて）")),
            ("temporary", gettext_lazy("パスワードロック")),
            ("permanent", gettext_lazy("アカウントロック")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        temporary = Q(locked_at__isnull=True, locked_until__gt=now)
        permanent = Q(locked_at__isnull=False)
        if self.value() == "locked":
            return queryset.filter(temporary | permanent)
        if self.value() == "temporary":
            return queryset.filter(temporary)
        if self.value() == "permanent":
            return queryset.filter(permanent)
        return queryset


@admin.register(User)
class UserAdmin(UnionScopedAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = [
        "username",
        "display_name",
        "union",
        "is_temporary_id",
        "lock_state",
        "is_active",
        "is_staff",
    ]
    list_select_related = ["person", "union"]
    list_filter = [
        LockStateFilter,
        ("union", admin.RelatedOnlyFieldListFilter),
        "is_active",
        "is_staff",
        "is_temporary_id",
    ]
    search_fields = ["username", "email", "person__family_name", "person__given_name"]
    ordering = ["username"]
    autocomplete_fields = ["person"]
    readonly_fields = [
        "last_login",
        "date_joined",
        "failed_logins",
        "last_failed_login_at",
        "locked_until",
        "locked_at",
        "login_history",
    ]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (gettext_lazy("加入者"), {"fields": ["union", "person", "email", "is_temporary_id"]}),
        (
            gettext_lazy("ロック"),
            {
                "fields": ["failed_logins", "last_failed_login_at", "locked_until", "locked_at"],
                "description": gettext_lazy(
                    "ロックの解除は、一覧の操作「ロックを解除する」で行います。"
                ),
            },
        ),
        (
            gettext_lazy("権限"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("日時"), {"fields": ["last_login", "date_joined", "login_history"]}),
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
    actions = ["unlock_accounts", "reissue_passwords"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not is_deployment_admin(request.user):
            # Union staff manage their members; who is staff, with which rights, in which
            # union, is the deployment's decision.
            fields += ["union", "is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        # Staff accounts (their passwords, factors, rights) are the operators' to change: a
        # clerk who could set another staff member's password would hold that member's rights.
        if obj is not None and obj.person_id is None and not is_deployment_admin(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.person_id is None and not is_deployment_admin(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.union_id is None and not is_deployment_admin(request.user):
            obj.union_id = request.user.union_id  # else staff would lose sight of it
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("氏名"))
    def display_name(self, user):
        return user.display_name

    @admin.display(description=gettext_lazy("ロック"))
    def lock_state(self, user):
        if user.locked_at is not None:
            return _("アカウントロック")
        if user.locked_until is not None and user.locked_until > timezone.now():
            return _("パスワードロック（%(until)sまで）") % {
                "until": lockout.format_lock_end(user.locked_until)
            }
        return ""

    @admin.display(description=gettext_lazy("ログイン履歴"))
    def login_history(self, user):
        if user.pk is None:
            return ""
        url = reverse("admin:accounts_securityevent_changelist") + f"?user__id__exact={user.pk}"
        return format_html('<a href="{}">{}</a>', url, _("ログイン履歴を見る"))

    @admin.action(description=gettext_lazy("ロックを解除する"), permissions=["change"])
    def unlock_accounts(self, request, queryset):
        unlocked = sum(
            lockout.unlock(user=user, actor=request.user, request=request) for user in queryset
        )
        if unlocked:
            self.message_user(
                request,
                _("%(count)d件のアカウントのロックを解除しました。") % {"count": unlocked},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("ロックされているアカウントはありませんでした。"), messages.WARNING
            )

    @admin.action(description=gettext_lazy("パスワードを再発行する"), permissions=["change"])
    def reissue_passwords(self, request, queryset):
        members = list(queryset.filter(person__isnull=False).select_related("person__household"))
        if not members:
            self.message_user(
                request, _("加入者のアカウントを選択してください。"), messages.WARNING
            )
            return None
        letters = []
        with transaction.atomic():
            for user in members:
                password = force_password_reset(user=user, actor=request.user, request=request)
                # A new password for a locked account would be useless: lift the lock too.
                lockout.unlock(user=user, actor=request.user, request=request)
                letters.append(_letter(user, password))
        return _temporary_passwords_page(
            request,
            title=_("パスワードを再発行しました"),
            letters=letters,
            back_url=reverse("admin:accounts_user_changelist"),
        )


def _letter(user: User, password: str) -> Letter:
    person = user.person
    return Letter(
        symbol=person.household.symbol,
        number=person.household.number,
        branch=person.branch,
        name=person.full_name,
        user_id=user.username,
        temporary_password=password,
    )


@admin.action(description=gettext_lazy("アカウントを発行する"))
def issue_accounts_action(modeladmin, request, queryset):
    """For PersonAdmin.actions: issue accounts for the selected persons who have none and are
    still covered, and show their letters' data (with the temporary passwords) once."""
    if not request.user.has_perm("accounts.add_user"):
        modeladmin.message_user(
            request, _("アカウントを発行する権限がありません。"), messages.ERROR
        )
        return None
    persons = list(issuable(queryset))
    skipped = queryset.count() - len(persons)
    if not persons:
        modeladmin.message_user(
            request,
            _("選択した加入者は、すでにアカウントがあるか、資格を喪失しています。"),
            messages.WARNING,
        )
        return None
    with transaction.atomic():
        letters = issue_letters(persons, actor=request.user)
    if skipped:
        messages.info(
            request,
            _("%(count)d件は、すでにアカウントがあるか資格を喪失しているため発行しませんでした。")
            % {"count": skipped},
        )
    return _temporary_passwords_page(
        request,
        title=_("アカウントを発行しました"),
        letters=letters,
        back_url=request.get_full_path(),
    )


# --- Login history (read only) -----------------------------------------------------------------


class ReadOnlyAdmin(UnionScopedAdmin):
    """A history: staff may look, nobody may add, change or delete a row."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    union_path = "user__union"
    list_display = ["created_at", "user", "kind", "ip_address", "browser", "detail", "actor"]
    list_select_related = ["user", "actor"]
    list_filter = ["kind"]
    search_fields = ["user__username", "ip_address", "detail"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "user",
        "kind",
        "ip_address",
        "browser",
        "user_agent",
        "detail",
        "actor",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("ブラウザ"))
    def browser(self, event):
        return lockout.describe_browser(event.user_agent)


# --- Terms of use ----------------------------------------------------------------------------


class TermsVersionForm(forms.ModelForm):
    # Set by TermsVersionAdmin.get_form for union staff: their versions belong to their union.
    staff_union_id: int | None = None

    class Meta:
        model = TermsVersion
        fields = ["union", "version", "title", "body", "published_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.staff_union_id is not None and self.instance.pk is None:
            self.instance.union_id = self.staff_union_id

    def clean_version(self):
        # The union field is not on the form for staff, so Django would skip the unique check.
        version = self.cleaned_data["version"]
        union_id = self.instance.union_id or getattr(self.cleaned_data.get("union"), "pk", None)
        duplicate = TermsVersion.objects.filter(union_id=union_id, version=version).exclude(
            pk=self.instance.pk
        )
        if union_id is not None and duplicate.exists():
            raise forms.ValidationError(_("この版はすでに登録されています。"))
        return version


@admin.register(TermsVersion)
class TermsVersionAdmin(UnionScopedAdmin):
    union_path = "union"
    form = TermsVersionForm
    list_display = ["version", "title", "union", "published_at", "state", "consent_count"]
    list_filter = [("union", admin.RelatedOnlyFieldListFilter)]
    ordering = ["union", "-published_at", "-created_at"]
    actions = ["publish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(consent_count=Count("consents"))

    def get_fields(self, request, obj=None):
        fields = ["union", "version", "title", "body", "published_at"]
        if not is_deployment_admin(request.user):
            fields.remove("union")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self._in_force_or_past(obj):
            # Members consented to exactly this text: a published version never changes.
            return self.get_fields(request, obj)
        return []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not is_deployment_admin(request.user):
            form = type(form.__name__, (form,), {"staff_union_id": request.user.union_id})
        return form

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @staticmethod
    def _in_force_or_past(terms: TermsVersion) -> bool:
        return terms.published_at is not None and terms.published_at <= timezone.now()

    @admin.display(description=gettext_lazy("状態"))
    def state(self, terms):
        if terms.published_at is None:
            return _("下書き")
        if terms.published_at > timezone.now():
            return _("公開予定")
        return _("公開済み")

    @admin.display(description=gettext_lazy("同意数"), ordering="consent_count")
    def consent_count(self, terms):
        return terms.consent_count

    @admin.action(description=gettext_lazy("公開する"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        published = 0
        for terms in queryset.filter(published_at__isnull=True):
            terms.published_at = now
            terms.save(update_fields=["published_at"])
            self.log_change(request, terms, [{"changed": {"fields": ["published_at"]}}])
            published += 1
        if published:
            self.message_user(
                request,
                _("%(count)d件の利用規約を公開しました。") % {"count": published},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("公開できる下書きはありませんでした。"), messages.WARNING)


@admin.register(TermsConsent)
class TermsConsentAdmin(ReadOnlyAdmin):
    union_path = "terms__union"
    list_display = ["consented_at", "user", "terms", "ip_address"]
    list_select_related = ["user", "terms"]
    list_filter = [("terms", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username"]
    date_hierarchy = "consented_at"
    fields = ["consented_at", "user", "terms", "ip_address"]
    readonly_fields = fields


PERSON_ACTIONS.append(issue_accounts_action)
PERSON_URLS.append(lookup.urls)


# --- Third-party admins ------------------------------------------------------------------------


class OperatorOnlyGroupAdmin(GroupAdmin):
    """Groups are the deployment's staff roles, shared by every union: only an operator edits
    them (a union's staff holding auth permissions would change every union's clerks)."""

    def has_module_permission(self, request):
        return is_deployment_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_deployment_admin(request.user)

    def has_add_permission(self, request):
        return is_deployment_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_deployment_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_deployment_admin(request.user)


class EmailAddressAdmin(UnionScopedAdmin, AllauthEmailAddressAdmin):
    """allauth's addresses, scoped to the staff member's union. An address receives the login
    codes, so union staff only look: a member changes it through the confirmed-mail flow."""

    union_path = "user__union"
    list_select_related = ["user"]

    def get_actions(self, request):
        if is_deployment_admin(request.user):
            return super().get_actions(request)
        return {}

    def has_add_permission(self, request):
        return is_deployment_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_deployment_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_deployment_admin(request.user) and super().has_delete_permission(request, obj)


for model in (Group, EmailAddress):
    if admin.site.is_registered(model):
        admin.site.unregister(model)  # the libraries' own admins are not scoped to a union
admin.site.register(Group, OperatorOnlyGroupAdmin)
admin.site.register(EmailAddress, EmailAddressAdmin)
