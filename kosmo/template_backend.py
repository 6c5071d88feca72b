"""The portal's template backend: Django's, with two tags that remember constant output.

- ``{% load i18n %}`` is kosmo.template_i18n: a `{% translate "…" %}` of a plain string is
  rendered once per language.
- ``{% load static %}`` is kosmo.template_static: a `{% static "…" %}` of a plain path is
  looked up in the storage once.
- ``{% url %}`` is kosmo.template_url's (a builtin): a URL is reversed once per arguments.
- ``{% csrf_token %}`` is kosmo.template_csrf's (a builtin): the same token, masked in a few
  comprehensions instead of ~300 function calls.
- ``{% extends %}`` is kosmo.template_extends's (a builtin): the root template's blocks are
  found once, not by walking its nodes on every page.

Both fall back to Django's own tags for anything else; tests compare their output with
Django's.
"""

from __future__ import annotations

from django.template.backends.django import DjangoTemplates as DjangoBackend

# Django's libraries replaced by ours (each keeps every tag of the original).
REPLACED_LIBRARIES = {
    "i18n": ("django.templatetags.i18n", "kosmo.template_i18n"),
    "static": ("django.templatetags.static", "kosmo.template_static"),
}
BUILTINS = ["kosmo.template_url", "kosmo.template_csrf", "kosmo.template_extends"]


class DjangoTemplates(DjangoBackend):
    def __init__(self, params):
        options = dict(params.get("OPTIONS", {}))
        options["libraries"] = {
            **options.get("libraries", {}),
            **{name: ours for name, (_django, ours) in REPLACED_LIBRARIES.items()},
        }
        options["builtins"] = [*options.get("builtins", []), *BUILTINS]
        super().__init__({**params, "OPTIONS": options})

    def _check_for_template_tags_with_the_same_name(self):
        # The replacements are deliberate; any other library named twice is still reported.
        replaced = {
            f"'{name}' is used for multiple template tag modules: '{django}', '{ours}'"
            for name, (django, ours) in REPLACED_LIBRARIES.items()
        }
        warnings = super()._check_for_template_tags_with_the_same_name()
        return [warning for warning in warnings if warning.msg not in replaced]
