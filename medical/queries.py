"""The read side of the medical pages: every query starts from what the member may see, and
each page costs a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DateField, Max, QuerySet, Subquery, Sum
from django.db.models.functions import Trunc

from accounts.models import User
from kosmo import fiscal_years
from kosmo.models import Person
from kosmo.money import to_yen
from kosmo.prepared import PreparedQuery
from kosmo.scoping import member_scope, persons_from_json, visible_persons, visible_persons_json
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
    queryset = Claim.objects.visible_to(user)
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    return queryset


@dataclass
class Statement:
    """A table of claim lines with its 合計 row."""

    rows: list[Claim]
    totals: Totals


# What a statement prints, on its page and in its PDF (medical/tables.py,
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


def _statement_of(rows: list[Claim]) -> Statement:
    totals = Totals(
        total_cost=sum(row.total_cost for row in rows),
        insurer_paid=sum(row.insurer_paid for row in rows),
        public_paid=sum(row.public_paid for row in rows),
        patient_paid=sum(row.patient_paid for row in rows),
    )
    return Statement(rows=rows, totals=totals)


def statement(queryset: QuerySet[Claim]) -> Statement:
    """Rows (with their 受診者) and totals: one query."""
    return _statement_of(list(_ordered(queryset)))


def latest_month(user: User) -> dt.date | None:
    """The newest 診療年月 the member has data for."""
    return claims(user).aggregate(latest=Max("service_month"))["latest"]


def _newest_month(visible: QuerySet[Claim]) -> Subquery:
    """The newest 診療年月 of `visible`, as a subquery (one probe of the household's index)."""
    return Subquery(visible.order_by("-service_month").values("service_month")[:1])


def _latest_rows(field: str, *, scope: int) -> QuerySet[Claim]:
    visible = Claim.objects.filter(**{field: scope})
    return _ordered(visible.filter(service_month=_newest_month(visible)))


def _latest_year_rows(shape: tuple[str, bool, bool], *, scope: int, person: int = 0):
    field, one_person, with_persons = shape
    visible = Claim.objects.filter(**{field: scope})
    year_start = Trunc(_newest_month(visible), "year", output_field=DateField())
    # Nothing is newer than the newest month: from its 1 January on is exactly its year.
    rows = visible.filter(person_id=person) if one_person else visible
    rows = _ordered(rows.filter(service_month__gte=year_start))
    if with_persons:  # the 受診者 choices, on every row (PostgreSQL computes them once)
        rows = rows.annotate(choosable_persons=visible_persons_json(field, scope))
    return rows


# The two default pages, asked for by every member: compiled to SQL once (kosmo.prepared).
_LATEST = PreparedQuery("medical.latest", _latest_rows)
_LATEST_YEAR = PreparedQuery("medical.latest_year", _latest_year_rows)


def latest_statement(user: User) -> Statement:
    """MED-2: the newest 診療年月's lines, found and read in one query."""
    scope = member_scope(user)
    if scope is None:
        return _statement_of([])
    field, scope_id = scope
    return _statement_of(_LATEST.run(field, scope=scope_id))


def latest_year_statement(
    user: User, *, person_id: int | None = None
) -> tuple[Statement, dt.date | None]:
    """MED-3 年間 filtered by 受診者: the calendar year of the newest 診療年月 the member may
    see (of `person_id` only, if given), in one query; and a month of that year (None without
    any claims)."""
    scope = member_scope(user)
    if scope is None:
        return _statement_of([]), None
    field, scope_id = scope
    if person_id is None:
        rows = _LATEST_YEAR.run((field, False, False), scope=scope_id)
    else:
        rows = _LATEST_YEAR.run((field, True, False), scope=scope_id, person=person_id)
    result = _statement_of(rows)
    if result.rows:
        return result, result.rows[0].service_month
    return result, latest_month(user)  # none of this person's: the year is still everyone's


def default_year(user: User) -> tuple[Statement, dt.date | None, list[Person]]:
    """MED-3 年間 as every member first opens it: the calendar year of the newest 診療年月 the
    member may see, a month of it (None without any claims), and the persons they may choose
    as 受診者 (kosmo.scoping.visible_persons) — all in one query when there are claims."""
    scope = member_scope(user)
    if scope is None:
        return _statement_of([]), None, []
    field, scope_id = scope
    rows = _LATEST_YEAR.run((field, False, True), scope=scope_id)
    if not rows:  # no claims at all: no month either, and the persons on their own
        return _statement_of([]), None, visible_persons(user)
    persons = persons_from_json(rows[0].choosable_persons)
    return _statement_of(rows), rows[0].service_month, persons


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
    queryset = PrescriptionLine.objects.visible_to(user)
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    return queryset


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
