"""``{% load notices %}``: the portal's header, with the unread counts it shows on 🔔 and ✉."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from kosmo import fragments
from notices.unread import UnreadCounts, unread_counts

register = template.Library()


def _unread(context) -> UnreadCounts | None:
    """The signed-in member's counts (cached; at most one query on a cold cache), or None for
    visitors and staff without a person."""
    request = context.get("request")
    member = getattr(request, "member", None)
    union = getattr(request, "union", None)
    if member is None or union is None:
        return None
    counts = getattr(request, "unread_counts", None)  # read by the page (read_with_counts)
    return counts if counts is not None else unread_counts(member.pk, union.pk)


@register.filter
def badge_count(value: int) -> str:
    """Counts over 99 read 「99+」 so the badge keeps its size."""
    return "99+" if value > 99 else str(value)


# Stands for the member's name in the rendered header, which is then written in its place: so
# one fragment serves every member with the same counts instead of one per member and process.
_NAME = "\x00kosmo-member-name\x00"


@register.simple_tag(takes_context=True)
def site_header(context):
    """``{% site_header %}``: the header of base.html, components/header_bar.html rendered once
    per process for each union, state and unread counts (kosmo.fragments), with the member's
    name written in. It writes what components/header.html wrote (the template it replaced,
    kept as tests/notices/oracles/header.html)."""
    member, portal_open, user = (
        context.get(name, "") for name in ("member", "portal_open", "user")
    )
    unread = _unread(context) if member and portal_open else None
    values = {
        "portal_open": portal_open,
        "signed_in": getattr(user, "is_authenticated", ""),
        "name": _NAME,
        "member": bool(member),  # header_bar.html asks only whether there is one
        "news": unread.news if unread else "",
        "mail": unread.mail if unread else "",
    }
    header = fragments.render_keyed("components/header_bar.html", context.get("union"), values)
    name = conditional_escape(getattr(user, "display_name", ""))
    return mark_safe(header.replace(_NAME, name))  # noqa: S308 — the name is escaped
