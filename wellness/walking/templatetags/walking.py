"""The TOP page's 「エントリー受付中」 banner: {% load walking %}{% walking_banner %}."""

from django import template

from wellness.walking import queries

register = template.Library()


@register.inclusion_tag("wellness/walking/_banner.html", takes_context=True)
def walking_banner(context) -> dict:
    """The union's events taking entries today, for a member whose union contracted 歩Fes.;
    nothing (and no query) otherwise; cached per union and day."""
    union, member = context.get("union"), context.get("member")
    if member is None or union is None or not union.has_feature("walking"):
        return {"banner_events": []}
    return {"banner_events": queries.entry_open_events(union, queries.today())}
