"""The TOP page's 「健康情報 MY HEALTH CLUB」 block: {% load club %}{% health_club_block %}."""

from django import template

from wellness.club import queries

register = template.Library()


@register.inclusion_tag("wellness/club/_top_block.html", takes_context=True)
def health_club_block(context) -> dict:
    """The newest articles for a member whose union contracted MY HEALTH CLUB; nothing (and no
    query) otherwise."""
    union, member = context.get("union"), context.get("member")
    if member is None or union is None or not union.has_feature("health_club"):
        return {"shown": False}
    return {"shown": True, "club_articles": queries.latest_cached(union)}
