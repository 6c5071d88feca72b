from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kosmo.features import FEATURE_CHOICES
from kosmo.models import Household, Person, Union

# Actions other apps add to 加入者 (accounts adds 「アカウントを発行する」): the core never
# imports an app; apps append here from their admin.py.
PERSON_ACTIONS: list = []


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
        # The choices of a union, household or person are the staff member's own union's:
        # a form never offers (nor accepts) another union's rows.
        path = _UNION_PATHS.get(db_field.remote_field.model)
        if path is not None and not is_deployment_admin(request.user):
            queryset = kwargs.get("queryset", db_field.remote_field.model.objects)
            kwargs["queryset"] = queryset.filter(**{path: request.user.union_id})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def is_deployment_admin(user) -> bool:
    """A superuser of no union: sees and edits every union's rows."""
    return user.is_superuser and user.union_id is None


_UNION_PATHS = {Union: "pk", Household: "union", Person: "household__union"}


class UnionForm(forms.ModelForm):
    enabled_features = forms.MultipleChoiceField(
        label=_("利用する機能"),
        choices=FEATURE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("契約に含まれる機能の既定から変えたいときにチェックを付け外しします。"),
    )

    class Meta:
        model = Union
        fields = [
            "insurer_number",
            "name",
            "slug",
            "domain",
            "tier",
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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_features"].initial = sorted(self.instance.enabled_feature_keys)

    def save(self, commit=True):
        self.instance.set_enabled_features(set(self.cleaned_data["enabled_features"]))
        return super().save(commit)


@admin.register(Union)
class UnionAdmin(UnionScopedAdmin):
    form = UnionForm
    union_path = "pk"
    list_display = ["insurer_number", "name", "tier", "domain"]
    search_fields = ["insurer_number", "name", "slug"]
    list_filter = ["tier"]
    prepopulated_fields = {"slug": ["name"]}


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["branch", "role", "relationship", "family_name", "given_name", "birth_date"]
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(UnionScopedAdmin):
    list_display = ["symbol", "number", "union"]
    search_fields = ["symbol", "number"]
    list_filter = ["union"]
    inlines = [PersonInline]


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
    ]
    list_select_related = ["household"]
    search_fields = [
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "household__number",
    ]
    list_filter = ["role", "relationship", "household__union"]
    autocomplete_fields = ["household"]
