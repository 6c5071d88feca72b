"""「必要書類一覧PDFダウンロード」 (DEP-4): rendered in the background (kosmo.documents)."""

from __future__ import annotations

from django.utils import timezone

from dependents import queries
from dependents.models import DependentSurvey
from kosmo import documents
from kosmo.models import DocumentJob
from kosmo.pdf import render_pdf

KIND = "dependents_required_documents"


def params_for(household: queries.HouseholdSurvey) -> dict:
    # The answers and the deadlines are part of the key: a changed answer or a deadline staff
    # moved gives a new list, not yesterday's file.
    answered = max(
        (state.target.answered_at for state in household.targets if state.target.answered_at),
        default=None,
    )
    extras = sum(len(state.additional_documents) for state in household.targets)
    return {
        "survey": household.survey.pk,
        "answered": answered.isoformat() if answered else "",
        "additional": extras,
        "deadlines": [f"{state.target.due_on:%Y-%m-%d}" for state in household.targets],
    }


@documents.register(KIND, feature="dependent_survey")
def render_required_documents(job: DocumentJob) -> documents.Rendered:
    """The documents each dependent must submit, scoped to the job owner's own household."""
    member = job.owner.person
    survey = DependentSurvey.objects.get(
        pk=job.params["survey"], union_id=member.household.union_id
    )
    household = queries.household_survey(survey, member)
    pdf = render_pdf(
        "dependents/required_documents_pdf.html",
        {
            "household": household,
            "member": member,
            "union": survey.union,
            "issued_on": timezone.localdate(),
        },
    )
    starts_on = survey.starts_on
    return documents.Rendered(
        f"必要書類一覧_{starts_on.year}年{starts_on.month}月.pdf",
        pdf,
        fallback=f"hitsuyou_shorui_{starts_on:%Y%m}.pdf",
    )
