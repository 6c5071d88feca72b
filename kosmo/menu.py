"""The service menu: the union's contracted services whose pages exist.

It is the same on every page of a union but for the current entry, so each process keeps the
entries and the rendered menu per union contract, current entry and language instead of
building them on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kosmo.features import FEATURES, Feature
from kosmo.models import Union


@dataclass(frozen=True)
class MenuEntry:
    feature: Feature
    url: str

    @property
    def key(self) -> str:
        return self.feature.key

    @property
    def label(self) -> str:
        return self.feature.label

    @property
    def glyph(self) -> str:
        return self.feature.glyph


def menu_entries(union: Union | None) -> list[MenuEntry]:
    """Contracted features in manual order; a feature whose app has no page yet is left out."""
    if union is None:
        return []
    return list(_entries(union.enabled_feature_keys, get_urlconf(), get_script_prefix()))


@lru_cache(maxsize=64)
def _entries(enabled: frozenset[str], urlconf, prefix: str) -> tuple[MenuEntry, ...]:
    entries = []
    for feature in FEATURES:
        if feature.key not in enabled:
            continue
        url = feature.url()
        if url is not None:
            entries.append(MenuEntry(feature, url))
    return tuple(entries)


def portal_menu(union: Union | None):
    # Built only when a template iterates it (not for JSON or file responses).
    return SimpleLazyObject(lambda: menu_entries(union))


def rendered_menu(union: Union | None, path: str, *, member: bool) -> SafeString:
    """components/service_menu.html for this union and page, rendered once per process."""
    enabled = union.enabled_feature_keys if union is not None else frozenset()
    urlconf, prefix = get_urlconf(), get_script_prefix()
    current = path if path in _entry_paths(enabled, urlconf, prefix) else ""
    return _rendered(enabled, current, member, get_language(), urlconf, prefix)


@lru_cache(maxsize=64)
def _entry_paths(enabled: frozenset[str], urlconf, prefix: str) -> frozenset[str]:
    """The paths that are a menu entry: the top page and each entry's page."""
    return frozenset({reverse("home"), *(e.url for e in _entries(enabled, urlconf, prefix))})


@lru_cache(maxsize=256)
def _rendered(enabled, current, member, language, urlconf, prefix) -> SafeString:
    return render_to_string(
        "components/service_menu.html",
        {
            "service_menu": _entries(enabled, urlconf, prefix),
            "current": current,
            "has_account_menu": member,
        },
    )


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "TEMPLATES", "LANGUAGE_CODE"}:
        _entries.cache_clear()
        _entry_paths.cache_clear()
        _rendered.cache_clear()
