"""The service menu: the union's contracted services whose pages exist.

The entries (a URL reversed for each contracted service) are the same for every union with
the same contract, so each process keeps them per contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import SimpleLazyObject

from kosmo import membership
from kosmo.features import FEATURES, Feature
from kosmo.models import Person, Union


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


def menu_entries(union: Union | None, member: Person | None = None) -> list[MenuEntry]:
    """Contracted features in manual order; a feature whose app has no page yet is left out,
    and so is one the member may not open (a former member may see only some:
    kosmo.membership.services_seen)."""
    if union is None:
        return []
    enabled = union.enabled_feature_keys
    seen = membership.services_seen(member)
    if seen is not None:
        enabled = enabled & seen
    return list(_entries(enabled, get_urlconf(), get_script_prefix()))


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


def portal_menu(union: Union | None, member: Person | None = None):
    # Built only when a template iterates it (not for JSON or file responses).
    return SimpleLazyObject(lambda: menu_entries(union, member))


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "TEMPLATES", "LANGUAGE_CODE"}:
        _entries.cache_clear()
