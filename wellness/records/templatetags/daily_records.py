"""The TOP page's 「日々の記録」 block with 「今日の歩数」:
{% load daily_records %}{% daily_records_block %}."""

from django import template

from wellness.records import queries, services

register = template.Library()


@register.inclusion_tag("wellness/records/_top_block.html", takes_context=True)
def daily_records_block(context) -> dict:
    """Today's steps for a member whose union contracted 日々の記録 (one query); nothing, and no
    query, otherwise."""
    union, member = context.get("union"), context.get("member")
    if member is None or union is None or not union.has_feature("daily_records"):
        return {"shown": False}
    return {"shown": True, "today_steps": queries.steps_on(member, services.today())}
