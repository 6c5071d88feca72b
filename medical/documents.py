"""MED-4 「医療費明細 (PDF)」: rendered in the background (kosmo.documents)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kosmo import documents, downloads
from kosmo.models import DocumentJob
from kosmo.pdf import render_pdf
from medical import queries

KIND = "medical_statement"


def params_for(start: dt.date, end: dt.date, person_id: int | None) -> dict:
    return {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}", "person": person_id}


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


@documents.register(KIND, feature="medical")
def render_statement(job: DocumentJob) -> documents.Rendered:
    """The claims of the period, scoped to what the job's owner may see, as on the pages."""
    start, end = _month(job.params["start"]), _month(job.params["end"])
    statement = queries.period_statement(job.owner, start, end, person_id=job.params.get("person"))
    pdf = render_pdf(
        "medical/statement_pdf.html",
        {
            "statement": statement,
            "start": start,
            "end": end,
            "owner": job.owner,
            "union": job.owner.union,
            "issued_on": timezone.localdate(),
        },
    )
    return documents.Rendered(
        f"医療費明細_{downloads.period_name(start, end)}.pdf",
        pdf,
        fallback=f"iryouhi_meisai_{start:%Y%m}-{end:%Y%m}.pdf",
    )
