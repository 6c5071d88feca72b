from decimal import Decimal

from django import template

from kosmo import dates, membership, money

register = template.Library()


@register.filter
def yen(amount):
    """``{{ 12960|yen }}`` → ``¥12,960``."""
    return money.format_yen(amount)


@register.filter
def en(amount):
    """``{{ 1914|en }}`` → ``1,914円``."""
    return money.format_en(amount)


@register.filter
def plain_number(value):
    """``{{ Decimal("14.70")|plain_number }}`` → ``14.7``: as printed, no trailing zeros."""
    if value is None or value == "":
        return ""
    return format(Decimal(value).normalize(), "f")


@register.filter
def wareki(value):
    """``{{ date|wareki }}`` → ``令和7年7月4日``."""
    return dates.format_wareki(value)


@register.filter
def wareki_month(value):
    """``{{ date|wareki_month }}`` → ``令和6年12月`` (empty for no date)."""
    return dates.to_wareki(value).format_month() if value else ""


@register.filter
def year_month(value):
    """``{{ date|year_month }}`` → ``2025/01``."""
    return dates.format_month(value)


@register.filter
def month_input(value):
    """``{{ date|month_input }}`` → ``2025-01`` (kosmo.dates.format_month_input), what
    ``|date:'Y-m'`` writes, without Django's date formatter."""
    return dates.format_month_input(value)


@register.simple_tag(takes_context=True)
def has_feature(context, key):
    """``{% has_feature "medical" as on %}``: whether this union contracted the service and
    the member may open it (a former member may see only some: kosmo.membership)."""
    union = context.get("union")
    if not (union and union.has_feature(key)):
        return False
    seen = membership.services_seen(context.get("member"))
    return seen is None or key in seen
