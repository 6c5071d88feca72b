"""ELG-1 資格情報のお知らせ: the PDF rendered in the background (kosmo.documents)."""

from __future__ import annotations

from django.utils import timezone

from eligibility import queries
from kosmo import documents
from kosmo.models import DocumentJob
from kosmo.pdf import render_pdf


class PersonNotCovered(LookupError):
    """The person is no longer one the job's owner may output a notice for."""


@documents.register(queries.NOTICE_KIND, feature="eligibility_notice")
def render_notice(job: DocumentJob) -> documents.Rendered:
    """The notice of one covered person of the owner's household, as the page lists them:
    a person who left the household or lost coverage since the request fails the job."""
    today = timezone.localdate()
    person = queries.covered_persons(job.owner, today).filter(pk=job.params.get("person")).first()
    if person is None:
        raise PersonNotCovered("the person is not covered for this account")
    union = person.household.union
    pdf = render_pdf(
        "eligibility/notice_pdf.html",
        {
            "person": person,
            "insured": queries.insured_of(person),
            "household": person.household,
            "union": union,
            "issued_on": today,
        },
    )
    return documents.Rendered(
        f"資格情報のお知らせ_{person.family_name}{person.given_name}.pdf",
        pdf,
        fallback=f"shikaku_joho_{person.household.number}_{person.branch}.pdf",
    )
