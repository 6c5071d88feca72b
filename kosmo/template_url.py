"""``{% url %}`` remembering what it reversed.

`reverse()` walks the URL patterns on every call (about a hundred function calls), and most of
the portal's ``{% url 'name' %}`` tags name a view with no argument or with literal ones: the
same answer on every page. A tag whose view name and arguments are all literals keeps its URL
per (urlconf, script prefix, language, current app). A tag with variable arguments looks its
URL up in a bounded table by the resolved view name and arguments when they are all strings
and integers (a model instance's text may change: reversed each time). Anything else is
Django's own tag. Installed as a builtin by kosmo.template_backend.DjangoTemplates, so it
replaces Django's ``url``.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()
_generation = 0  # changed with ROOT_URLCONF (tests): every remembered URL is then stale


class ConstantURLNode(defaulttags.URLNode):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple, str] = {}

    def render(self, context):
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:  # as Django's tag: the request's, else its URL's namespace
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        key = (get_urlconf(), get_script_prefix(), get_language(), current_app, _generation)
        url = self._urls.get(key)
        if url is None:
            url = self._reverse(context, current_app)
            if url:
                self._urls[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url

    def _reverse(self, context, current_app) -> str:
        try:
            return reverse(
                self.view_name.resolve(context),
                args=[arg.resolve(context) for arg in self.args],
                kwargs={name: value.resolve(context) for name, value in self.kwargs.items()},
                current_app=current_app,
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            return ""  # {% url … as var %} of an unknown view: empty, as Django's tag


class VariableURLNode(defaulttags.URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((name, value.resolve(context)) for name, value in self.kwargs.items())
        view_name = self.view_name.resolve(context)
        values = (view_name, *args, *(value for _name, value in kwargs))
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            return super().render(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            url = _reverse(
                view_name,
                args,
                kwargs,
                current_app,
                get_urlconf(),
                get_script_prefix(),
                get_language(),
                _generation,
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


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
