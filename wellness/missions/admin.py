"""Staff screens of ミッション: the union's daily missions, the prizes and odds of the
ポイントくじ and the bingo roulette, the ranks' login days and the bonus missions. Every
queryset starts from the staff member's union (Django's admin history records who changed
what). The members' activities, clears, draws, ranks and cards have no staff screen."""

from django.contrib import admin

from kosmo.admin import UnionScopedAdmin
from wellness.missions.models import BonusMission, DailyMission, Prize, RankThreshold


class UnionOwnedAdmin(UnionScopedAdmin):
    """Rows a union's staff create for their own union (the union is set for them)."""

    def get_exclude(self, request, obj=None):
        return ["union"] if request.user.union_id else []

    def save_model(self, request, obj, form, change):
        if request.user.union_id:
            obj.union_id = request.user.union_id
        super().save_model(request, obj, form, change)


@admin.register(DailyMission)
class DailyMissionAdmin(UnionOwnedAdmin):
    list_display = ["title", "action", "threshold", "points", "published", "order"]
    list_editable = ["published", "order"]
    search_fields = ["title"]


@admin.register(Prize)
class PrizeAdmin(UnionOwnedAdmin):
    list_display = ["name", "game", "points", "weight"]
    list_filter = ["game"]


@admin.register(RankThreshold)
class RankThresholdAdmin(UnionOwnedAdmin):
    list_display = ["rank", "min_days"]


@admin.register(BonusMission)
class BonusMissionAdmin(UnionOwnedAdmin):
    list_display = ["title", "kind", "action", "target", "points", "start_on", "end_on"]
    list_filter = ["kind", "published"]
    search_fields = ["title"]
