"""「健診結果一覧表(PDFダウンロード)」: rendered in the background (kosmo.documents)."""

from __future__ import annotations

from django.utils import timezone

from checkup import queries
from checkup.criteria import Rules
from kosmo import documents, membership
from kosmo.models import DocumentJob, Person
from kosmo.pdf import render_pdf

KIND = "checkup_table"


def params_for(person: Person) -> dict:
    return {"person": person.pk}


@documents.register(KIND, feature="checkup")
def render_table(job: DocumentJob) -> documents.Rendered:
    """The person's table as on the page, scoped again to what the job's owner may see."""
    person = Person.objects.visible_to(job.owner).get(pk=job.params["person"])
    union = job.owner.union
    issued_on = timezone.localdate()
    until = membership.history_until(job.owner.person)
    table = queries.results_table(person, Rules.for_union(union), until=until)
    pdf = render_pdf(
        "checkup/table_pdf.html",
        {"table": table, "person": person, "union": union, "issued_on": issued_on},
    )
    return documents.Rendered(
        f"健診結果一覧表_{person.family_name}{person.given_name}_{issued_on:%Y%m%d}.pdf",
        pdf,
        fallback=f"kenshin_kekka_{issued_on:%Y%m%d}.pdf",
    )
