"""Medical data in admin: the member lookup's 医療費 and 処方, read-only (claims are written
by the import commands)."""

from django.utils.translation import gettext_lazy as _

from accounts import lookup
from medical import queries
from medical.models import Claim, PrescriptionLine

lookup.register(
    lookup.by_fiscal_year(
        key="medical",
        label=_("医療費"),
        template="admin/medical/lookup_claims.html",
        model=Claim,
        month_field="service_month",
        statement=queries.statement,
    )
)
lookup.register(
    lookup.by_fiscal_year(
        key="prescriptions",
        label=_("処方"),
        template="admin/medical/lookup_prescriptions.html",
        model=PrescriptionLine,
        month_field="service_month",
        statement=queries.prescription_statement,
    )
)
