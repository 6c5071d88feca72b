"""Staff screens: the union's stages and their preset challenges (every queryset starts from
the staff member's union; Django's admin history records who changed what). The members' own
challenges and their ○/× are theirs and have no staff screen."""

from django.contrib import admin

from kosmo.admin import UnionScopedAdmin
from wellness.challenges.models import PresetChallenge, Stage


class UnionOwnedAdmin(UnionScopedAdmin):
    """Rows a union's staff create for their own union (the union is set for them)."""

    def get_exclude(self, request, obj=None):
        return ["union"] if request.user.union_id else []

    def save_model(self, request, obj, form, change):
        if request.user.union_id:
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)


class PresetChallengeInline(admin.TabularInline):
    model = PresetChallenge
    fields = ["title", "description", "published", "order"]
    extra = 1


@admin.register(Stage)
class StageAdmin(UnionOwnedAdmin):
    list_display = ["name", "published", "order"]
    list_editable = ["published", "order"]
    search_fields = ["name"]
    inlines = [PresetChallengeInline]


@admin.register(PresetChallenge)
class PresetChallengeAdmin(UnionScopedAdmin):
    union_path = "stage__union"
    list_display = ["title", "stage", "published", "order"]
    list_filter = ["stage", "published"]
    list_editable = ["published", "order"]
    search_fields = ["title"]
