"""The medical pages' long tables, written in Python.

A statement or an e-Tax preview has one row per claim: up to a hundred or more on a year's
page. Django's template engine spends about 25 µs per variable it prints, and these rows print
ten each, so the loop was the larger part of those pages' time. These functions write the same
HTML as the template loops they replaced (tests/medical/test_tables.py renders both and
compares), with the same escaping, filters and translations.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kosmo.dates import format_month
from kosmo.money import format_yen
from medical.etax import PersonGroup


def claim_rows(rows: Iterable) -> SafeString:
    """The <tr> of each claim line of a statement (medical/_claims_table.html's body)."""
    day = gettext("日")  # a translation is written as it is, like {% translate %}
    out = []
    for claim in rows:
        out.append(
            f"<tr><td>{format_month(claim.service_month)}</td>"
            f"<td>{conditional_escape(claim.person.full_name)}</td>\n"
            f"      <td>{conditional_escape(claim.provider_name)}<br>"
            f'<span class="page-lead">{conditional_escape(claim.care_type_label)}/'
            f"{claim.days}{day}</span></td>\n"
            f'      <td class="num">{format_yen(claim.total_cost)}</td>'
            f'<td class="num">{format_yen(claim.insurer_paid)}</td>'
            f'<td class="num">{format_yen(claim.public_paid)}</td>'
            f'<td class="num">{format_yen(claim.patient_paid)}</td>'
            f"<td>{conditional_escape(claim.note)}</td></tr>\n"
        )
    return mark_safe("".join(out))


def etax_person_groups(persons: Iterable[PersonGroup]) -> SafeString:
    """One <tbody> per 療養を受けた者 of the e-Tax preview: their lines by 医療機関, each
    institution's 小計 and the person's 計 (medical/etax.html)."""
    patient = gettext("療養を受けた者")
    out = []
    for person in persons:
        name = conditional_escape(person.name)
        out.append(f'<tbody>\n<tr class="group"><th scope="rowgroup" colspan="4">{patient}：{name}')
        if person.form_name != person.name:
            note = gettext("（CSV・集計フォームでは「%(name)s」）")
            out.append(" " + note % {"name": conditional_escape(person.form_name)})
        out.append("</th></tr>\n")
        for provider in person.providers:
            provider_name = conditional_escape(provider.name)
            form_note = ""
            if provider.form_name != provider.name:
                note = gettext("CSV・集計フォームでは「%(name)s」")
                form_note = '<br><span class="page-lead">{}</span>'.format(
                    note % {"name": conditional_escape(provider.form_name)}
                )
            for index, line in enumerate(provider.lines):
                out.append(
                    f"<tr><td>{provider_name}{form_note if index == 0 else ''}</td>"
                    f"<td>{format_month(line.month)}</td>"
                    f"<td>{conditional_escape(line.care_type_label)}</td>"
                    f'<td class="num">{format_yen(line.amount)}</td></tr>\n'
                )
            subtotal = gettext("%(name)s 小計") % {"name": provider_name}
            out.append(
                f'<tr><th scope="row" colspan="3">{subtotal}</th>'
                f'<td class="num">{format_yen(provider.amount)}</td></tr>\n'
            )
        total = gettext("%(name)s 計") % {"name": name}
        out.append(
            f'<tr><th scope="row" colspan="3"><strong>{total}</strong></th>'
            f'<td class="num"><strong>{format_yen(person.amount)}</strong></td></tr>\n'
            "</tbody>\n"
        )
    return mark_safe("".join(out))
