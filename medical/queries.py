"""The read side of the medical pages: every query starts from what the member may see, and
each page costs a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet, Subquery, Sum

from accounts.models import User
from kosmo import fiscal_years, membership
from kosmo.models import Person
from kosmo.money import to_yen
from medical.models import Claim, PrescriptionLine

COPAY_RATE = Decimal("0.3")  # 支払額 = 薬価 × 使用量 × 3割 (manual §4-3)
# The manual prints 「-」 as a generic's 薬価 when switching saves little: the price is shown
# only when the generic is at least this much cheaper per unit than the prescribed drug.
GENERIC_PRICE_SHOWN_FROM_DISCOUNT = Decimal("0.10")


@dataclass(frozen=True)
class Totals:
    total_cost: int = 0
    insurer_paid: int = 0
    public_paid: int = 0
    patient_paid: int = 0


def claims(user: User, *, person_id: int | None = None) -> QuerySet[Claim]:
    """The claims `user` may see: a former member's only up to the month of their last
    covered day (`kosmo.membership.history_month_until`)."""
    return _scoped(Claim.objects.visible_to(user), user, person_id)


def _scoped(queryset: QuerySet, user: User, person_id: int | None) -> QuerySet:
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    until = membership.history_month_until(user.person) if user.person_id else None
    if until is not None:
        queryset = queryset.filter(service_month__lte=until)
    return queryset


@dataclass
class Statement:
    """A table of claim lines with its 合計 row."""

    rows: list[Claim]
    totals: Totals


# What a statement prints, on its page and in its PDF (_claims_table.html,
# statement_pdf.html): the claims' other columns and their persons' are not read.
STATEMENT_FIELDS = (
    "service_month",
    "provider_name",
    "care_type",
    "days",
    "total_cost",
    "insurer_paid",
    "public_paid",
    "patient_paid",
    "note",
    "person__family_name",
    "person__given_name",
)


def _ordered(queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    return (
        queryset.select_related("person")
        .only(*STATEMENT_FIELDS)
        .order_by("-service_month", "person__branch", "provider_name", "care_type")
    )


def statement(queryset: QuerySet[Claim]) -> Statement:
    """Rows (with their 受診者) and totals: one query."""
    rows = list(_ordered(queryset))
    totals = Totals(
        total_cost=sum(row.total_cost for row in rows),
        insurer_paid=sum(row.insurer_paid for row in rows),
        public_paid=sum(row.public_paid for row in rows),
        patient_paid=sum(row.patient_paid for row in rows),
    )
    return Statement(rows=rows, totals=totals)


def latest_month(user: User) -> dt.date | None:
    """The newest 診療年月 the member has data for."""
    return claims(user).aggregate(latest=Max("service_month"))["latest"]


def latest_statement(user: User) -> Statement:
    """MED-2: the newest 診療年月's lines, found and read in one query."""
    visible = claims(user)
    newest = Subquery(visible.order_by("-service_month").values("service_month")[:1])
    return statement(visible.filter(service_month=newest))


def month_statement(user: User, month: dt.date, *, person_id: int | None = None) -> Statement:
    return statement(claims(user, person_id=person_id).filter(service_month=month))


def period_statement(
    user: User, start: dt.date, end: dt.date, *, person_id: int | None = None
) -> Statement:
    """Claims from the month of `start` to the month of `end`, both included."""
    return statement(
        claims(user, person_id=person_id).filter(
            service_month__gte=start.replace(day=1), service_month__lte=end.replace(day=1)
        )
    )


def by_fiscal_year(queryset: QuerySet) -> list[fiscal_years.FiscalYear]:
    """Claims per 年度 (April–March), newest first, with each month's 自己負担額: one query."""
    per_month = (
        queryset.values("service_month")
        .annotate(paid=Sum("patient_paid"))
        .order_by("-service_month")
        .values_list("service_month", "paid")
    )
    return fiscal_years.group_by_fiscal_year(per_month)


# --- Prescriptions (MED-5) ---


@dataclass(frozen=True)
class PrescriptionRow:
    line: PrescriptionLine
    paid: int  # 支払額
    generic_name: str | None
    generic_price: Decimal | None  # None is shown as 「-」
    saving: int | None  # 削減可能額
    paid_after: int  # 切替後支払額


def copay(unit_price: Decimal, quantity: Decimal) -> int:
    """薬価 × 使用量 × 3割, half-up to the yen."""
    return to_yen(unit_price * quantity * COPAY_RATE)


def prescription_row(line: PrescriptionLine) -> PrescriptionRow:
    paid = copay(line.unit_price, line.quantity)
    generic = line.drug.generic
    if generic is None or line.drug.is_generic:
        return PrescriptionRow(line, paid, None, None, None, paid)
    paid_after = copay(generic.unit_price, line.quantity)
    discount = (line.unit_price - generic.unit_price) / line.unit_price
    shown = generic.unit_price if discount >= GENERIC_PRICE_SHOWN_FROM_DISCOUNT else None
    return PrescriptionRow(line, paid, generic.name, shown, paid - paid_after, paid_after)


@dataclass
class PrescriptionStatement:
    groups: list[tuple[tuple[dt.date, str, Person], list[PrescriptionRow]]]
    paid: int  # 現状支払額 総計
    saving: int  # 最大削減可能額
    paid_after: int  # 切替後支払額


def prescriptions(user: User, *, person_id: int | None = None) -> QuerySet[PrescriptionLine]:
    return _scoped(PrescriptionLine.objects.visible_to(user), user, person_id)


def latest_prescription_month(user: User) -> dt.date | None:
    return prescriptions(user).aggregate(latest=Max("service_month"))["latest"]


def prescription_statement(queryset: QuerySet[PrescriptionLine]) -> PrescriptionStatement:
    """Lines grouped by 診療年月 / 医療機関 / 受診者, with the manual's totals: one query."""
    lines = queryset.select_related("person", "drug__generic").order_by(
        "-service_month", "provider_name", "person__branch", "line_no"
    )
    groups: dict[tuple, list[PrescriptionRow]] = {}
    for line in lines:
        key = (line.service_month, line.provider_name, line.person)
        groups.setdefault(key, []).append(prescription_row(line))
    rows = [row for group in groups.values() for row in group]
    paid = sum(row.paid for row in rows)
    saving = sum(row.saving or 0 for row in rows)
    return PrescriptionStatement(list(groups.items()), paid, saving, paid - saving)


def prescriptions_by_fiscal_year(
    queryset: QuerySet[PrescriptionLine],
) -> list[fiscal_years.FiscalYear]:
    """Per 年度, each month's 現状支払額 (computed per line, as the statements do): one query."""
    months: dict[dt.date, int] = {}
    for service_month, unit_price, quantity in queryset.order_by("-service_month").values_list(
        "service_month", "unit_price", "quantity"
    ):
        months[service_month] = months.get(service_month, 0) + copay(unit_price, quantity)
    return fiscal_years.group_by_fiscal_year(months.items())
