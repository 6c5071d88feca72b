"""Template fragments that are the same on every page of a union (the footer, a section's
sub-navigation, the personal menu): rendered once per process, not on every page.

Such a fragment may use only `union`, URLs and translations: never the request, the user or a
CSRF token. `{% static_fragment "name.html" %}` (kosmo template tags) includes one.

`render_keyed` is the same for a fragment that also depends on a few plain values (the
header's state and unread counts, `{% site_header %}`): it is rendered with only `union` and
those values, once per process for each combination.
"""

from __future__ import annotations

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kosmo.models import Union


def render_static(template_name: str, union: Union | None) -> SafeString:
    version = (union.pk, union.updated_at) if union is not None else None
    return _rendered(
        template_name, version, get_language(), get_urlconf(), get_script_prefix(), union
    )


@lru_cache(maxsize=256)
def _rendered(template_name, version, language, urlconf, prefix, union) -> SafeString:
    return render_to_string(template_name, {"union": union})


def render_keyed(template_name: str, union: Union | None, values: dict) -> SafeString:
    version = (union.pk, union.updated_at) if union is not None else None
    return _rendered_keyed(
        template_name,
        version,
        tuple(sorted(values.items())),
        get_language(),
        get_urlconf(),
        get_script_prefix(),
        union,
    )


@lru_cache(maxsize=2048)
def _rendered_keyed(template_name, version, values, language, urlconf, prefix, union):
    return render_to_string(template_name, {"union": union, **dict(values)})


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "TEMPLATES", "LANGUAGE_CODE"}:
        _rendered.cache_clear()
        _rendered_keyed.cache_clear()
