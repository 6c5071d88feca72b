"""BEN-2 「給付金支給決定通知書(PDF)」: rendered in the background (kosmo.documents)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from benefits import queries
from kosmo import documents, downloads
from kosmo.models import DocumentJob
from kosmo.pdf import render_pdf

KIND = "benefit_notice"


def params_for(
    start: dt.date, end: dt.date, *, person_id: int | None, benefit_type_id: int | None
) -> dict:
    return {
        "start": f"{start:%Y-%m}",
        "end": f"{end:%Y-%m}",
        "person": person_id,
        "benefit_type": benefit_type_id,
    }


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


@documents.register(KIND, feature="benefits")
def render_notice(job: DocumentJob) -> documents.Rendered:
    """The payments of the period, scoped to what the job's owner may see, as on the pages.

    Addressed to the account's person with the household's 記号・番号, issued by the union, with
    和暦 dates as an official notice has them.
    """
    owner = job.owner
    start, end = _month(job.params["start"]), _month(job.params["end"])
    statement = queries.period_statement(
        owner,
        start,
        end,
        person_id=job.params.get("person"),
        benefit_type_id=job.params.get("benefit_type"),
    )
    person = owner.person
    pdf = render_pdf(
        "benefits/notice_pdf.html",
        {
            "statement": statement,
            "start": start,
            "end": end,
            "addressee": person,
            "household": person.household,
            "union": owner.union,
            "issued_on": timezone.localdate(),
        },
    )
    return documents.Rendered(
        f"給付金支給決定通知書_{downloads.period_name(start, end)}.pdf",
        pdf,
        fallback=f"kyufukin_shikyu_kettei_{start:%Y%m}-{end:%Y%m}.pdf",
    )
