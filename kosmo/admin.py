from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kosmo import membership
from kosmo.features import FEATURE_CHOICES
from kosmo.models import Household, Person, PersonChange, RosterImport, Union

# Actions other apps add to 加入者 (accounts adds 「アカウントを発行する」): the core never
# imports an app; apps append here from their admin.py.
PERSON_ACTIONS: list = []
# Pages other apps hang below a 加入者 (accounts adds the read-only member lookup): each entry
# takes the person admin and returns its URL patterns.
PERSON_URLS: list = []


class UnionScopedAdmin(admin.ModelAdmin):
    """Staff see and edit only their own union's rows; a deployment superuser sees all.

    `union_path` is the lookup from the model to its Union.
    """

    union_path = "union"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if is_deployment_admin(user):
            return queryset
        if user.union_id is None:
            return queryset.none()
        return queryset.filter(**{self.union_path: user.union_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices of a union, household, person, account or any row of a union-scoped
        # admin are the staff member's own union's: a form never offers (nor accepts, also
        # typed into a raw-id box) another union's rows.
        limit_choices_to_union(db_field, request, kwargs, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limit_choices_to_union(db_field, request, kwargs, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        """The filter sidebar offers the staff member's own union's values only: a filter on
        the union itself is left out (they have one), any other related filter lists only
        what their rows refer to."""
        filters = super().get_list_filter(request)
        if is_deployment_admin(request.user):
            return filters
        scoped = (scoped_list_filter(self.model, entry) for entry in filters)
        return [entry for entry in scoped if entry is not None]


def is_deployment_admin(user) -> bool:
    """A superuser of no union: sees and edits every union's rows."""
    return user.is_superuser and user.union_id is None


_UNION_PATHS = {Union: "pk", Household: "union", Person: "household__union"}


class UnionScopedInlineMixin:
    """For an inline: its forms' choices, like UnionScopedAdmin's, are the staff member's own
    union's (an inline's fields are not asked of the parent admin)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices_to_union(db_field, request, kwargs, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limit_choices_to_union(db_field, request, kwargs, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def limit_choices_to_union(db_field, request, kwargs: dict, admin_site) -> None:
    """Narrow a relation field's choices (`kwargs["queryset"]`) to union staff's own union."""
    if is_deployment_admin(request.user):
        return
    model = db_field.remote_field.model
    path = union_path_of(model, admin_site)
    if path is not None:
        queryset = kwargs.get("queryset", model._meta.default_manager)
        kwargs["queryset"] = queryset.filter(**{path: request.user.union_id})


def union_path_of(model, admin_site=admin.site) -> str | None:
    """The lookup from `model` to its Union: the core's own, or that of the model's
    union-scoped admin (accounts, surveys, …); None for rows of no union."""
    if model in _UNION_PATHS:
        return _UNION_PATHS[model]
    if admin_site.is_registered(model):
        return getattr(admin_site.get_model_admin(model), "union_path", None)
    return None


def scoped_list_filter(model, entry):
    """A `list_filter` entry as union staff get it: None for a filter on the union, a related
    filter limited to the values of the staff member's rows, any other entry unchanged."""
    if isinstance(entry, str):
        path, filter_class = entry, None
    elif isinstance(entry, (list, tuple)):
        path, filter_class = entry
    else:
        return entry  # a SimpleListFilter: its lookups are the admin's own
    try:
        field = get_fields_from_path(model, path)[-1]
    except FieldDoesNotExist:
        return entry
    if not field.is_relation:
        return entry
    if field.related_model is Union:
        return None
    if filter_class is None or filter_class is admin.RelatedFieldListFilter:
        return (path, admin.RelatedOnlyFieldListFilter)
    return entry


# What routes requests to a union or decides its contract: operators only (accounts.roles).
OPERATOR_FIELDS = ["insurer_number", "slug", "domain", "tier"]


class UnionSettingsForm(forms.ModelForm):
    """The union's own settings, which its 組合管理者 edits: branding, contact and mail."""

    class Meta:
        model = Union
        fields = [
            "name",
            "brand_color",
            "logo",
            "password_min_length",
            "password_max_length",
            "password_min_character_classes",
            "idle_timeout_minutes",
            "mail_from",
            "contact_phone",
            "contact_hours",
            "contact_email",
            "postal_code",
            "address",
            "former_member_access",
            "former_member_access_days",
            "former_member_sees",
        ]


class UnionForm(UnionSettingsForm):
    """Everything, for operators: also routing, the contract and its feature switches."""

    enabled_features = forms.MultipleChoiceField(
        label=_("利用する機能"),
        choices=FEATURE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("契約に含まれる機能の既定から変えたいときにチェックを付け外しします。"),
    )

    class Meta(UnionSettingsForm.Meta):
        fields = [*OPERATOR_FIELDS, *UnionSettingsForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_features"].initial = sorted(self.instance.enabled_feature_keys)

    def save(self, commit=True):
        self.instance.set_enabled_features(set(self.cleaned_data["enabled_features"]))
        return super().save(commit)


@admin.register(Union)
class UnionAdmin(UnionScopedAdmin):
    """Operators edit everything; a union's 組合管理者 its branding, contact and mail settings;
    a clerk only reads them."""

    form = UnionForm
    union_path = "pk"
    list_display = ["insurer_number", "name", "tier", "domain"]
    search_fields = ["insurer_number", "name", "slug"]
    list_filter = ["tier"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not is_deployment_admin(request.user):
            kwargs["form"] = UnionSettingsForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if is_deployment_admin(request.user):
            return [*UnionForm.Meta.fields, "enabled_features"]
        return [*OPERATOR_FIELDS, "features", *UnionSettingsForm.Meta.fields]

    def get_readonly_fields(self, request, obj=None):
        if is_deployment_admin(request.user):
            return []
        return [*OPERATOR_FIELDS, "features"]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]} if is_deployment_admin(request.user) else {}

    @admin.display(description=_("利用する機能"))
    def features(self, union):
        labels = dict(FEATURE_CHOICES)
        return "、".join(str(labels[key]) for key in sorted(union.enabled_feature_keys))


class PersonInline(UnionScopedInlineMixin, admin.TabularInline):
    model = Person
    extra = 0
    fields = ["branch", "role", "relationship", "family_name", "given_name", "birth_date"]
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(UnionScopedAdmin):
    list_display = ["symbol", "number", "union"]
    search_fields = ["symbol", "number"]
    ordering = ["symbol", "number"]  # also the autocomplete's pages
    list_filter = ["union"]
    inlines = [PersonInline]


class PersonChangeInline(admin.TabularInline):
    """The person's audit trail (roster imports and staff), read-only: written by services."""

    model = PersonChange
    fk_name = "person"
    extra = 0
    fields = ["created_at", "kind", "changes", "actor", "roster_import"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewRequestedFilter(admin.SimpleListFilter):
    title = _("名簿にない（要確認）")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("yes", _("要確認"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(review_requested_on__isnull=False)
        return queryset


@admin.register(Person)
class PersonAdmin(UnionScopedAdmin):
    union_path = "household__union"
    actions = PERSON_ACTIONS
    list_display = [
        "full_name",
        "role",
        "relationship",
        "household",
        "birth_date",
        "disqualified_on",
        "access_ends",
        "review_requested_on",
    ]
    list_select_related = ["household__union"]
    readonly_fields = ["access_ends"]
    inlines = [PersonChangeInline]

    @admin.display(description=_("資格喪失後のログイン期限"))
    def access_ends(self, person):
        ends = membership.access_ends_on(person, person.household.union)
        return date_format(ends, "Y年n月j日") if ends else "-"

    def save_model(self, request, obj, form, change):
        """Staff's change leaves its audit row (who, what, when) in the same transaction."""
        super().save_model(request, obj, form, change)
        if not change or not form.changed_data:
            return
        changes = {
            str(form.fields[name].label): [
                _audit_value(form.initial.get(name)),
                _audit_value(form.cleaned_data.get(name)),
            ]
            for name in form.changed_data
        }
        kind = (
            PersonChange.Kind.ACCESS_EXTENDED
            if form.changed_data == ["access_extended_until"]
            else PersonChange.Kind.UPDATED
        )
        PersonChange.objects.create(person=obj, kind=kind, changes=changes, actor=request.user)

    search_fields = [
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "household__number",
    ]
    list_filter = ["role", "relationship", ReviewRequestedFilter, "household__union"]
    autocomplete_fields = ["household"]

    def get_urls(self):
        return [url for make in PERSON_URLS for url in make(self)] + super().get_urls()


def _audit_value(value):
    if hasattr(value, "pk"):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@admin.register(RosterImport)
class RosterImportAdmin(UnionScopedAdmin):
    """The roster imports of the staff member's union, read-only (written by import_persons)."""

    list_display = [
        "started_at",
        "file_name",
        "full",
        "rows_total",
        "rows_rejected",
        "persons_created",
        "persons_updated",
        "persons_moved",
        "persons_missing",
    ]
    list_filter = ["union"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
