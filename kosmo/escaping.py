"""HTML escaping for code that writes HTML: Django's ``conditional_escape``, made cheaper.

``conditional_escape`` checks every argument for a lazy translation before it escapes (its
``keep_lazy`` wrapper), which costs more than the escaping itself; the form widgets and the
medical tables escape every attribute, option and cell. `esc` gives the same text: safe text
(anything with ``__html__``) as it is, anything else, lazy translations included, through the
same escaping as Django's ``escape``.
"""

from __future__ import annotations

from html import escape


def esc(value) -> str:
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))
