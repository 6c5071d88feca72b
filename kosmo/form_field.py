"""Form components written in Python: components/field.html (one field with its label, and *
when required and asked for, help text, the field itself and its errors), the error summary
(components/form_errors.html) and the statement pages' 「…で絞り込む」 filter.

Every form of the portal goes through them, the filters of the statement pages on every view:
as templates, a filter's includes, loop and tags cost more than its fields themselves. The
output is byte for byte the templates' former output (tests/kosmo/test_form_field.py renders
both), which is kept in tests/kosmo/oracles/.
"""

from __future__ import annotations

from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from kosmo.escaping import esc


def render_field(field: BoundField, show_required=False) -> SafeString:
    auto_id = esc(field.auto_id)
    label = esc(field.label)
    errors = field.errors
    checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
    out = [
        '\n<div class="field',
        " field--error" if errors else "",
        ' field--checkbox">\n  ' if checkbox else '">\n  ',
    ]
    if checkbox:
        out.append(f'\n    {field} <label for="{auto_id}">{label}</label>\n  \n')
    else:
        required = (
            ' <span class="required" aria-hidden="true">*</span>'
            if field.field.required and show_required
            else ""
        )
        help_text = ""
        if field.help_text:
            help_text = f'<p class="field__help" id="{auto_id}_helptext">{esc(field.help_text)}</p>'
        out.append(
            f'\n    <label for="{auto_id}">{label}{required}</label>\n'
            f"    {help_text}\n    {field}\n  \n"
        )
    out.append("  ")
    if errors:
        items = "".join(f"<li>{esc(error)}</li>" for error in errors)
        out.append(f'<ul class="errorlist" id="{auto_id}_error">{items}</ul>')
    out.append("\n</div>")  # and the template's own last line break
    return mark_safe("".join(out))


def render_errors(form) -> SafeString:
    """components/form_errors.html: the summary of a form's errors above it, each field's
    linked to the field (nothing but a line break for a form without errors)."""
    if not form.errors:
        return mark_safe("\n")
    items = [f"<li>{esc(error)}</li>" for error in form.non_field_errors()]
    title = esc(gettext("入力内容をご確認ください。"))
    links = [
        f'<li><a href="#{esc(field.auto_id)}">{esc(error)}</a></li>'
        for field in form
        for error in field.errors
    ]
    return mark_safe(
        '\n<div class="error-summary" role="alert" tabindex="-1">\n'
        f'  <p class="error-summary__title">{title}</p>\n'
        f"  <ul>\n    {''.join(items)}\n    {''.join(links)}\n  </ul>\n</div>\n\n"
    )


def render_filter_form(form, summary) -> SafeString:
    """A 「…で絞り込む」 filter: a GET form folded in a card, open once submitted so the member
    sees what they typed and any message; `summary` is the manual's 「…で絞り込む」 wording."""
    fields = "".join(f"{_filter_field(form, field)}\n" for field in form)  # field.html's last \n
    button = esc(gettext("絞り込む"))
    return mark_safe(
        f'<details class="card filter"{" open" if form.is_bound else ""}>\n'
        f"  <summary>{esc(summary)}</summary>\n"
        '  <form method="get" novalidate>\n'
        f"    {render_errors(form)}\n"
        f"    {fields}\n"
        f'    <div class="actions"><button class="button button--primary" type="submit">'
        f"{button}</button></div>\n  </form>\n</details>\n"
    )


def _filter_field(form, field) -> SafeString:
    """A filter's field; one the form lists in ``unbound_constant`` (the same HTML on every
    unbound form of its class: a month box, not a choice of the member's persons) is written
    once per process and language while the form is unbound."""
    if form.is_bound or field.name not in getattr(form, "unbound_constant", ()):
        return render_field(field)
    return remembered_field(field)


def remembered_field(field: BoundField, *key) -> SafeString:
    """`render_field(field)`, written once per process for its form's class, prefix and
    auto_id, the language and `key`: for a field whose HTML depends on nothing else (an
    unbound month box; the e-Tax year field, by the year chosen)."""
    form = field.form
    full_key = (type(form), field.name, form.prefix, form.auto_id, get_language(), *key)
    html = _REMEMBERED.get(full_key)
    if html is None:
        if len(_REMEMBERED) >= _REMEMBERED_MAX:  # stale languages or years: start again
            _REMEMBERED.clear()
        html = _REMEMBERED[full_key] = render_field(field)
    return html


_REMEMBERED: dict[tuple, SafeString] = {}
_REMEMBERED_MAX = 256
