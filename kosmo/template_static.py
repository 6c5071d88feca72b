"""``{% load static %}`` with a `{% static "…" %}` of a plain path looked up once.

Each ``{% static %}`` asks the storage for the file's URL: with the manifest storage of a
deployment, a hashed-name lookup of about forty function calls, and every page's shell has
four. For a literal path the answer only changes with the static settings (and a new manifest
comes with a restart), so each tag keeps it. A path from a variable is looked up every time,
as by Django's tag. kosmo.template_backend.DjangoTemplates installs this module as the
``static`` library.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)
_generation = 0  # changed with the static settings (tests): every kept URL is then stale


class ConstantStaticNode(django_static.StaticNode):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[int, str] = {}

    def url(self, context) -> str:
        url = self._urls.get(_generation)
        if url is None:
            url = self._urls[_generation] = super().url(context)
        return url


@register.tag("static")
def do_static(parser, token):
    node = django_static.do_static(parser, token)
    if not node.path.filters and isinstance(node.path.var, str):  # a quoted path
        return ConstantStaticNode(varname=node.varname, path=node.path)
    return node


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    global _generation
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS", "DEBUG"}:
        _generation += 1
