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
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kosmo.dates import format_month, format_month_input
from kosmo.escaping import esc
from kosmo.money import format_yen
from kosmo.template_csrf import csrf_input
from kosmo.template_i18n import translated
from kosmo.template_url import remembered_reverse
from medical.etax import FORM_MAX_ROWS, NO_CREDENTIAL_MESSAGE, PersonGroup


def claim_rows(rows: Iterable) -> SafeString:
    """The <tr> of each claim line of a statement (the claims table's body)."""
    day = gettext("日")  # a translation is written as it is, like {% translate %}
    out = []
    for claim in rows:
        out.append(
            f"<tr><td>{format_month(claim.service_month)}</td>"
            f"<td>{esc(claim.person.full_name)}</td>\n"
            f"      <td>{esc(claim.provider_name)}<br>"
            f'<span class="page-lead">{esc(claim.care_type_label)}/'
            f"{claim.days}{day}</span></td>\n"
            f'      <td class="num">{format_yen(claim.total_cost)}</td>'
            f'<td class="num">{format_yen(claim.insurer_paid)}</td>'
            f'<td class="num">{format_yen(claim.public_paid)}</td>'
            f'<td class="num">{format_yen(claim.patient_paid)}</td>'
            f"<td>{esc(claim.note)}</td></tr>\n"
        )
    return mark_safe("".join(out))


def claims_table(statement) -> SafeString:
    """A statement's table with its 合計 row, or the empty state (formerly
    medical/_claims_table.html: tests/medical/oracles/claims_table.html)."""
    if not statement.rows:
        return render_to_string(
            "components/empty_state.html",
            {"message": gettext("該当する医療費明細はありません。")},
        )
    t = statement.totals
    head = translated(
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
    """「医療費明細 (PDF)」 for the period shown: a POST form (formerly medical/_pdf_button.html:
    tests/medical/oracles/pdf_button.html)."""
    person = f'<input type="hidden" name="person" value="{esc(person_id)}">' if person_id else ""
    return mark_safe(
        f'<form method="post" action="{remembered_reverse("medical:statement_pdf")}"'
        ' class="pdf-request">\n'
        f"  {csrf_input(context)}\n"
        f'  <input type="hidden" name="start" value="{format_month_input(start)}">\n'
        f'  <input type="hidden" name="end" value="{format_month_input(end)}">\n'
        f"  {person}\n"
        f'  <button class="button" type="submit">{esc(gettext("医療費明細 (PDF)"))}'
        "</button>\n</form>\n"
    )


def etax_person_groups(persons: Iterable[PersonGroup]) -> SafeString:
    """One <tbody> per 療養を受けた者 of the e-Tax preview: their lines by 医療機関, each
    institution's 小計 and the person's 計 (medical/etax.html)."""
    patient = gettext("療養を受けた者")
    out = []
    for person in persons:
        name = esc(person.name)
        out.append(f'<tbody>\n<tr class="group"><th scope="rowgroup" colspan="4">{patient}：{name}')
        if person.form_name != person.name:
            note = gettext("（CSV・集計フォームでは「%(name)s」）")
            out.append(" " + note % {"name": esc(person.form_name)})
        out.append("</th></tr>\n")
        for provider in person.providers:
            provider_name = esc(provider.name)
            form_note = ""
            if provider.form_name != provider.name:
                note = gettext("CSV・集計フォームでは「%(name)s」")
                form_note = '<br><span class="page-lead">{}</span>'.format(
                    note % {"name": esc(provider.form_name)}
                )
            for index, line in enumerate(provider.lines):
                out.append(
                    f"<tr><td>{provider_name}{form_note if index == 0 else ''}</td>"
                    f"<td>{format_month(line.month)}</td>"
                    f"<td>{esc(line.care_type_label)}</td>"
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


def etax_preview(notice, has_credential: bool, xml_refused: bool = False) -> SafeString:
    """The e-Tax preview of `notice` (medical/etax.html): the months it covers and those not
    yet in, its lines per person and institution with totals, and the download buttons."""
    year = notice.year
    title = esc(gettext("%(year)s年分の医療費明細") % {"year": year})
    no_credential = esc(NO_CREDENTIAL_MESSAGE)
    out = [
        '<section aria-labelledby="etax-preview-title">\n'
        f'  <h2 class="section-title" id="etax-preview-title">{title}</h2>\n\n  ',
        f'<p class="error-summary" role="alert">{no_credential}</p>' if xml_refused else "",
        '\n\n  <div class="notice-box">\n    ',
    ]
    if notice.period:
        (start, end) = notice.period
        covered = gettext(
            "対象期間：%(start_year)s年%(start_month)s月〜%(end_year)s年%(end_month)s月診療分"
        ) % {
            "start_year": start.year,
            "start_month": start.month,
            "end_year": end.year,
            "end_month": end.month,
        }
        out.append(f"\n    <p>{esc(covered)}</p>\n    ")
    out.append("\n    ")
    if notice.pending_months:
        if notice.period:
            months = "・".join(
                gettext("%(month)s月") % {"month": month.month} for month in notice.pending_months
            )
            pending = (
                gettext("%(year)s年") % {"year": year}
                + months
                + gettext("診療分の医療費は、まだ反映されていません。")
            )
        else:
            pending = gettext("%(year)s年分の医療費は、まだ反映されていません。") % {"year": year}
        later = gettext("医療費のデータは、診療月のおおむね2〜3か月後に反映されます。")
        out.append(f"\n    <p>{esc(pending)}\n      {esc(later)}</p>\n    ")
    out.append("\n  </div>\n\n  ")
    if notice.lines:
        out.append(_etax_lines(notice, has_credential, xml_refused, no_credential))
    else:
        empty = gettext("%(year)s年分の医療費明細はありません。") % {"year": year}
        out.append(
            "\n  \n  "
            + render_to_string("components/empty_state.html", {"message": empty})
            + "\n  "
        )
    out.append("\n</section>\n")
    return mark_safe("".join(out))


def _etax_lines(notice, has_credential: bool, xml_refused: bool, no_credential: str) -> str:
    year = notice.year
    count = gettext("ダウンロードするデータには、次の%(count)s件の明細が含まれます。") % {
        "count": len(notice.lines)
    }
    head = translated("医療機関等の名称", "診療年月", "診療区分", "支払った医療費の金額", "合計")
    parts = notice.xlsx_parts
    buttons = []
    if has_credential:
        buttons.append(
            f'\n    <a class="button button--primary" href="'
            f'{remembered_reverse("medical:etax_xml", year)}" download>'
            f"{esc(gettext('XMLデータダウンロード'))}</a>\n    "
        )
    buttons.append(
        f'\n    <a class="button" href="{remembered_reverse("medical:etax_csv", year)}" download>'
        f"{esc(gettext('CSVデータをダウンロードする'))}</a>\n    "
    )
    xlsx = remembered_reverse("medical:etax_xlsx", year)
    for part in range(1, parts + 1):
        if parts > 1:
            label = gettext("医療費集計フォーム(Excel)をダウンロードする（%(part)s）") % {
                "part": part
            }
        else:
            label = gettext("医療費集計フォーム(Excel)をダウンロードする")
        query = f"?part={part}" if part > 1 else ""
        buttons.append(
            f'\n    <a class="button" href="{xlsx}{query}" download>{esc(label)}</a>\n    '
        )
    out = [
        f"\n  <p>{esc(count)}</p>\n"
        '  <div class="table-scroll" role="region" aria-labelledby="etax-preview-title"'
        ' tabindex="0">\n    <table>\n      <thead>\n        <tr>\n'
        f'          <th scope="col">{head[0]}</th>\n'
        f'          <th scope="col">{head[1]}</th>\n'
        f'          <th scope="col">{head[2]}</th>\n'
        f'          <th scope="col" class="num">{head[3]}</th>\n'
        "        </tr>\n      </thead>\n      "
        f"{etax_person_groups(notice.persons)}\n      <tfoot>\n"
        f'        <tr class="total"><th scope="row" colspan="3">{head[4]}</th>'
        f'<td class="num">{format_yen(notice.total)}</td></tr>\n'
        "      </tfoot>\n    </table>\n  </div>\n\n"
        '  <div class="actions">\n    ',
        *buttons,
        "\n  </div>\n  ",
        f'<p class="notice-box">{no_credential}</p>'
        if not has_credential and not xml_refused
        else "",
        "\n  ",
    ]
    if parts > 1:
        split = gettext(
            "医療費集計フォームに入力できるのは1ファイル%(rows)s件までのため、%(files)s"
            "つのファイルに分けています。すべてのファイルを読み込んでください。"
        ) % {"rows": FORM_MAX_ROWS, "files": parts}
        out.append(f'\n  <p class="notice-box">{esc(split)}</p>\n  ')
    out.append("\n  ")
    return "".join(out)
