"""``{% url %}`` remembering what it reversed.

`reverse()` walks the URL patterns on every call (about a hundred function calls), and most of
the portal's ``{% url 'name' %}`` tags name a view with no argument or with literal ones: the
same answer on every page. Each URL is kept in one bounded table, by view name and arguments
(and URL configuration, script prefix, language and current app). A tag of literals resolves
them once; a tag with variables resolves them on each rendering and uses the table when they
are all strings and integers (a model instance's text may change: such a tag is Django's own).
Installed as a builtin by kosmo.template_backend.DjangoTemplates, so it replaces Django's
``url``.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context, defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()
_generation = 0  # changed with ROOT_URLCONF (tests): every remembered URL is then stale


def _current_app(context) -> str | None:
    """As Django's tag: the request's current app, else its URL's namespace."""
    request = getattr(context, "request", None)
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return current_app


class _RememberingURLNode(defaulttags.URLNode):
    def _reverse(self, context, view_name, args, kwargs) -> str:
        """The URL through the bounded table; an unknown view raises NoReverseMatch, or is
        empty with ``as var``, as with Django's tag."""
        try:
            return _reverse(
                view_name,
                tuple(args),
                tuple(kwargs.items()),
                _current_app(context),
                get_urlconf(),
                get_script_prefix(),
                get_language(),
                _generation,
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            return ""

    def _output(self, context, url: str) -> str:
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


class ConstantURLNode(_RememberingURLNode):
    """Literal view name and arguments: resolved once, then only the table's key changes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        empty = Context()  # literals need no context
        self._literals = (
            self.view_name.resolve(empty),
            [arg.resolve(empty) for arg in self.args],
            {name: value.resolve(empty) for name, value in self.kwargs.items()},
        )

    def render(self, context):
        return self._output(context, self._reverse(context, *self._literals))


class VariableURLNode(_RememberingURLNode):
    """Arguments from the context: remembered by value when they are all strings and
    integers; anything else (a model instance's text may change) is Django's own tag."""

    def render(self, context):
        view_name = self.view_name.resolve(context)
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        values = (view_name, *args, *kwargs.values())
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            return super().render(context)
        return self._output(context, self._reverse(context, view_name, args, kwargs))


def remembered_reverse(view_name: str, *args: str | int) -> str:
    """``reverse(view_name, args=args)`` through the same table, for code that writes HTML."""
    return _reverse(
        view_name, args, (), None, get_urlconf(), get_script_prefix(), get_language(), _generation
    )


@lru_cache(maxsize=4096)
def _reverse(view_name, args, kwargs, current_app, urlconf, prefix, language, generation) -> str:
    # urlconf, prefix, language and generation: only the key (reverse reads them itself).
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def _literal(expression) -> bool:
    """A quoted string (parsed to the string itself) or a number (a Variable with a literal)."""
    var = expression.var
    return not expression.filters and (
        isinstance(var, str) or getattr(var, "literal", None) is not None
    )


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    parts = [node.view_name, *node.args, *node.kwargs.values()]
    if all(_literal(part) for part in parts):
        return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)
    return VariableURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    global _generation
    if setting in {"ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES"}:
        _generation += 1
