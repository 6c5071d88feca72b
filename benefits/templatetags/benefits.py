"""Filters the 給付金 notice needs beyond the core's."""

from django import template

from kosmo import dates

register = template.Library()


@register.filter
def wareki_month(value):
    """``{{ date|wareki_month }}`` → ``令和6年12月`` (empty for no date)."""
    return dates.to_wareki(value).format_month() if value else ""
