"""Staff screens of ミッション: the union's daily missions, the prizes and odds of the
ポイントくじ and the bingo roulette, the ranks' login days and the bonus missions. Every
queryset starts from the staff member's union (Django's admin history records who changed
what). The members' activities, clears, draws, ranks and cards have no staff screen."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kosmo.admin import UnionScopedAdmin
from wellness.missions.models import BonusMission, DailyMission, Prize, RankThreshold


class UnionOwnedAdmin(UnionScopedAdmin):
    """Rows a union's staff create for their own union (the union is set for them).

    `unique_in_union`: the fields that are unique within a union; the form checks them, as the
    union is not a field of the form (the database constraint would otherwise fail the save)."""

    unique_in_union: tuple[str, ...] = ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        union_id, fields, model = request.user.union_id, self.unique_in_union, self.model

        class UnionUniqueForm(form):
            def clean(self):
                cleaned = super().clean()
                if union_id and fields and all(name in cleaned for name in fields):
                    rows = model.objects.filter(
                        union_id=union_id, **{name: cleaned[name] for name in fields}
                    ).exclude(pk=self.instance.pk)
                    if rows.exists():
                        raise ValidationError(_("同じ内容がすでに登録されています。"))
                return cleaned

        return UnionUniqueForm

    def get_exclude(self, request, obj=None):
        return ["union"] if request.user.union_id else []

    def save_model(self, request, obj, form, change):
        if request.user.union_id:
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)


@admin.register(DailyMission)
class DailyMissionAdmin(UnionOwnedAdmin):
    unique_in_union = ("title",)
    list_display = ["title", "action", "threshold", "points", "published", "order"]
    list_editable = ["published", "order"]
    search_fields = ["title"]


@admin.register(Prize)
class PrizeAdmin(UnionOwnedAdmin):
    unique_in_union = ("game", "name")
    list_display = ["name", "game", "points", "weight"]
    list_filter = ["game"]


@admin.register(RankThreshold)
class RankThresholdAdmin(UnionOwnedAdmin):
    unique_in_union = ("rank",)
    list_display = ["rank", "min_days"]


@admin.register(BonusMission)
class BonusMissionAdmin(UnionOwnedAdmin):
    list_display = ["title", "kind", "action", "target", "points", "start_on", "end_on"]
    list_filter = ["kind", "published"]
    search_fields = ["title"]
