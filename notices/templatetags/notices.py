"""``{% load notices %}``: the portal's header, with the unread counts it shows on 🔔 and ✉."""

from django import template

from kosmo import fragments
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


@register.simple_tag(takes_context=True)
def site_header(context):
    """``{% site_header %}``: the header of base.html, components/header_bar.html rendered once
    per process for each union, member name, unread counts and state (kosmo.fragments). It
    gives the header_bar the values components/header.html gave it (the template it replaced,
    kept as tests/notices/oracles/header.html), so both keep the same fragments."""
    member, portal_open, user = (
        context.get(name, "") for name in ("member", "portal_open", "user")
    )
    unread = header_unread(context) if member and portal_open else None
    values = {
        "portal_open": portal_open,
        "signed_in": getattr(user, "is_authenticated", ""),
        "name": getattr(user, "display_name", ""),
        "member": member.pk if hasattr(member, "_meta") else member,
        "news": unread.news if unread else "",
        "mail": unread.mail if unread else "",
    }
    return fragments.render_keyed("components/header_bar.html", context.get("union"), values)
