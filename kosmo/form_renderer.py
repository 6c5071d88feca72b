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
from django.utils.safestring import mark_safe

from kosmo.escaping import esc

_WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {esc(name)}")
        else:
            parts.append(f' {esc(name)}="{esc(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    value = "" if value is None else f' value="{esc(str(value))}"'
    return (
        f'<input type="{esc(widget["type"])}" '
        f'name="{esc(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    value, label = esc(str(option["value"])), esc(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: dict) -> str:
    parts = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
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
