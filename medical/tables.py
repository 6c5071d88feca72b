"""The medical pages' tables and the PDF button, written in Python.

A statement or an e-Tax preview has one row per claim: up to a hundred or more on a year's
page. Django's template engine spends about 25 µs per variable it prints and more per
include, so these parts were the larger part of those pages' time. These functions write the
same HTML as the templates they replaced (tests/medical/test_tables.py renders both and
compares; the former templates are kept in tests/medical/oracles/), with the same escaping,
filters and translations.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kosmo.dates import format_month, format_month_input
from kosmo.money import format_yen
from kosmo.template_csrf import csrf_input
from kosmo.template_url import remembered_reverse
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


def claims_table(statement) -> SafeString:
    """A statement's table with its 合計 row (medical/_claims_table.html), or the empty state."""
    if not statement.rows:
        return render_to_string(
            "components/empty_state.html",
            {"message": gettext("該当する医療費明細はありません。")},
        )
    t = statement.totals
    head = [
        conditional_escape(gettext(text))
        for text in (
            "医療費明細",
            "診療年月",
            "受診者",
            "医療機関 診療区分/日数(回数)",
            "医療費総額",
            "医療費の内訳",
            "備考",
            "保険者負担額",
            "公費負担額",
            "自己負担額",
            "合計",
        )
    ]
    return mark_safe(
        '<div class="table-scroll">\n<table class="claims">\n'
        f'  <caption class="visually-hidden">{head[0]}</caption>\n  <thead>\n'
        f'    <tr><th scope="col" rowspan="2">{head[1]}</th>'
        f'<th scope="col" rowspan="2">{head[2]}</th><th scope="col" rowspan="2">{head[3]}</th>\n'
        f'      <th scope="col" rowspan="2" class="num">{head[4]}</th>'
        f'<th scope="colgroup" colspan="3">{head[5]}</th>'
        f'<th scope="col" rowspan="2">{head[6]}</th></tr>\n'
        f'    <tr><th scope="col" class="num">{head[7]}</th><th scope="col" class="num">{head[8]}'
        f'</th><th scope="col" class="num">{head[9]}</th></tr>\n  </thead>\n  <tbody>\n'
        f"    {claim_rows(statement.rows)}\n  </tbody>\n  <tfoot>\n"
        f'    <tr class="total"><th scope="row" colspan="3">{head[10]}</th>\n'
        f'      <td class="num">{format_yen(t.total_cost)}</td>'
        f'<td class="num">{format_yen(t.insurer_paid)}</td>'
        f'<td class="num">{format_yen(t.public_paid)}</td>'
        f'<td class="num">{format_yen(t.patient_paid)}</td><td></td></tr>\n'
        "  </tfoot>\n</table>\n</div>\n"
    )


def pdf_button(context, start, end, person_id=None) -> SafeString:
    """「医療費明細 (PDF)」 for the period shown (medical/_pdf_button.html): a POST form."""
    person = (
        f'<input type="hidden" name="person" value="{conditional_escape(person_id)}">'
        if person_id
        else ""
    )
    return mark_safe(
        f'<form method="post" action="{remembered_reverse("medical:statement_pdf")}"'
        ' class="pdf-request">\n'
        f"  {csrf_input(context)}\n"
        f'  <input type="hidden" name="start" value="{format_month_input(start)}">\n'
        f'  <input type="hidden" name="end" value="{format_month_input(end)}">\n'
        f"  {person}\n"
        f'  <button class="button" type="submit">{conditional_escape(gettext("医療費明細 (PDF)"))}'
        "</button>\n</form>\n"
    )


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
