"""The service menu: the union's contracted services whose pages exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

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
    entries = []
    for feature in FEATURES:
        if not union.has_feature(feature.key):
            continue
        url = feature.url()
        if url is not None:
            entries.append(MenuEntry(feature, url))
    return entries


def portal_menu(union: Union | None):
    # Built only when a template iterates it (not for JSON or file responses).
    return SimpleLazyObject(lambda: menu_entries(union))
