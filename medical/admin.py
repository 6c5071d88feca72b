"""Medical data in admin: the member lookup's 医療費 and 処方, read-only (claims are written
by the import commands)."""

from django.utils.translation import gettext_lazy as _

from accounts import lookup
from medical import queries
from medical.models import Claim, PrescriptionLine


def _claims(person):
    return Claim.objects.filter(person=person)


def _prescriptions(person):
    return PrescriptionLine.objects.filter(person=person)


lookup.register(
    lookup.Lookup(
        key="medical",
        label=_("医療費"),
        permission="medical.view_claim",
        template="admin/medical/lookup_claims.html",
        years=lambda person: lookup.fiscal_years_of(_claims(person), "service_month"),
        context=lambda person, year: {
            "statement": queries.statement(
                lookup.in_fiscal_year(_claims(person), "service_month", year)
            )
        },
    )
)
lookup.register(
    lookup.Lookup(
        key="prescriptions",
        label=_("処方"),
        permission="medical.view_prescriptionline",
        template="admin/medical/lookup_prescriptions.html",
        years=lambda person: lookup.fiscal_years_of(_prescriptions(person), "service_month"),
        context=lambda person, year: {
            "statement": queries.prescription_statement(
                lookup.in_fiscal_year(_prescriptions(person), "service_month", year)
            )
        },
    )
)
