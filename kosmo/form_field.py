"""components/field.html written in Python: one form field with its label (and * when
required and asked for), help text, the field itself and its errors.

Every form of the portal goes through it, the filters of the statement pages on every view;
as a template it cost about 270 function calls per field. The output is byte for byte the
template's former output (tests/kosmo/test_form_field.py renders both), which is kept at
tests/kosmo/oracles/field.html.
"""

from __future__ import annotations

from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def render_field(field: BoundField, show_required=False) -> SafeString:
    auto_id = conditional_escape(field.auto_id)
    label = conditional_escape(field.label)
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
            help_text = (
                f'<p class="field__help" id="{auto_id}_helptext">'
                f"{conditional_escape(field.help_text)}</p>"
            )
        out.append(
            f'\n    <label for="{auto_id}">{label}{required}</label>\n'
            f"    {help_text}\n    {field}\n  \n"
        )
    out.append("  ")
    if errors:
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
        out.append(f'<ul class="errorlist" id="{auto_id}_error">{items}</ul>')
    out.append("\n</div>")  # and the template's own last line break
    return mark_safe("".join(out))
