"""Form widgets rendered without the template engine.

Django renders every `<input>`, `<select>` and `<option>` through a template of its own
(django/forms/widgets/*.html), which costs more than the rest of a filter form's page. The
common ones are written here in Python, producing exactly what those templates produce;
any other widget template (or one a project overrides) still goes through the templates.
Set as `FORM_RENDERER`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

_WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>',
        str(option["value"]),
        mark_safe(_attrs(option["attrs"])),  # noqa: S308 — each part escaped in _attrs
        option["label"],
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _WIDGETS + "select_option.html":
                return ""  # an unusual option template: let the templates do it all
            parts.append("\n  " + _option(option) + "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_INPUTS = (
    "input checkbox color date datetime email file hidden number password search tel text time url"
)
_RENDERERS: dict[str, Callable[[dict], str]] = {
    **{f"{_WIDGETS}{name}.html": _input for name in _INPUTS.split()},  # noqa: SIM905
    f"{_WIDGETS}select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        render = _RENDERERS.get(template_name)
        if render is not None and "widget" in context:
            html = render(context["widget"])
            if html:
                return mark_safe(html)  # noqa: S308 — every value escaped above
        return super().render(template_name, context, request=request)
