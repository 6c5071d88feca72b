"""``{% load notices %}``: the unread counts the header shows on 🔔 and ✉."""

from django import template

from notices.unread import UnreadCounts, unread_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def header_unread(context) -> UnreadCounts | None:
    """``{% header_unread as unread %}``: the signed-in member's counts (cached; at most one
    query on a cold cache), or None for visitors and staff without a person."""
    request = context.get("request")
    member = getattr(request, "member", None)
    union = getattr(request, "union", None)
    if member is None or union is None:
        return None
    return unread_counts(member.pk, union.pk)


@register.filter
def badge_count(value: int) -> str:
    """Counts over 99 read 「99+」 so the badge keeps its size."""
    return "99+" if value > 99 else str(value)
