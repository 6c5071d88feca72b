"""The TOP page's right column of ミッション: {% load missions %}{% missions_block %}."""

from django import template

from wellness.missions import queries, services
from wellness.missions.views import daily_context
from wellness.points.services import balance

register = template.Library()


@register.inclusion_tag("wellness/missions/_top_block.html", takes_context=True)
def missions_block(context) -> dict:
    """デイリーミッション with their state, 「今月のランク」, 「今日の歩数」 → 歩いてスクラッチ and
    the MYポイント balance (when MYポイント is contracted); nothing, and no query, for a union
    without ミッション."""
    union, member = context.get("union"), context.get("member")
    if member is None or union is None or not union.has_feature(services.FEATURE):
        return {"shown": False}
    day = services.today()
    today_steps = queries.steps_today(member, day)  # read once: 「今日の歩数」 and the missions
    shown = {
        "shown": True,
        **daily_context(member, union, day, today_steps),
        "monthly": queries.monthly(member, union, day),
        "today_steps": today_steps,
        "show_points": union.has_feature("points"),
    }
    if shown["show_points"]:
        shown["point_balance"] = balance(member)
    return shown
