"""`{% load challenges %}{% todays_challenges %}`: today's challenges with ○ / × buttons, for
the 日々の記録 TOP (wellness/challenges/_today.html). One query; nothing is shown (and nothing
queried) for a union without チャレンジ or a visitor who is not a member."""

from __future__ import annotations

from django import template

from wellness.challenges import queries

register = template.Library()


@register.inclusion_tag("wellness/challenges/_today.html", takes_context=True)
def todays_challenges(context) -> dict:
    request = context["request"]
    member = getattr(request, "member", None)
    union = getattr(request, "union", None)
    if member is None or union is None or not union.has_feature("challenges"):
        return {"enabled": False}
    today = queries.today()
    return {
        "enabled": True,
        "today": today,
        "challenges": queries.challenges_on(member, today),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
