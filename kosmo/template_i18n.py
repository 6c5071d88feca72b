"""``{% load i18n %}`` with a `{% translate "…" %}` of a plain string remembered per language.

Django resolves such a tag on every rendering: a lazy translation, the catalogue lookup,
escaping, about twenty function calls; a page's shell has forty of them. The message is a
constant, so its output depends only on the active language and on autoescaping: each tag
keeps its output per (language, autoescape) after the first rendering. Every other tag of the
library (blocktranslate, get_current_language, a translate with a variable, filters or a
context) is Django's own. kosmo.template_backend.DjangoTemplates, the backend settings.TEMPLATES
names, installs this module as the ``i18n`` library.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import i18n as django_i18n
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

# Changed when translations may have changed (settings of a test): every remembered output is
# then stale, since it is stored under the generation it was rendered in.
_generation = 0


class ConstantTranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (get_language(), context.autoescape, _generation)
        value = self._rendered.get(key)
        if value is None:
            output = super().render(context)  # with asvar: "" and the value in the context
            value = self._rendered[key] = context[self.asvar] if self.asvar else output
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    expression = node.filter_expression
    if (
        not node.noop
        and node.message_context is None
        and not expression.filters
        and getattr(expression.var, "literal", None) is not None
    ):
        return ConstantTranslateNode(expression, node.noop, node.asvar, node.message_context)
    return node


def translated(*messages: str) -> tuple[SafeString, ...]:
    """Each message as ``{% translate "…" %}`` writes it, remembered per language like the
    tag: for code that writes HTML, e.g. a table's column headings. Like the tag, the text
    is not escaped: a literal message and its translations are the portal's own."""
    return _translated(messages, get_language(), _generation)


@lru_cache(maxsize=256)
def _translated(messages, language, generation) -> tuple[SafeString, ...]:
    # language and generation: only the key (gettext reads the active language itself).
    return tuple(mark_safe(gettext(message)) for message in messages)  # noqa: S308


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    global _generation
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _generation += 1
