"""The read side of the 給付金 pages and the notice PDF: every query starts from what the
member may see, and each page costs a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet, Sum

from accounts.models import User
from benefits.models import BenefitPayment, BenefitType
from kosmo import fiscal_years, membership
from kosmo.models import Union


def benefit_types(union: Union) -> QuerySet[BenefitType]:
    """給付種別 choices: the union's master."""
    return BenefitType.objects.filter(union=union)


def payments(
    user: User, *, person_id: int | None = None, benefit_type_id: int | None = None
) -> QuerySet[BenefitPayment]:
    """The payments `user` may see, optionally of one 対象者 and one 給付種別."""
    queryset = BenefitPayment.objects.visible_to(user)
    # A former member's: up to the month of their last covered day, by 診療年月 (the care
    # paid for) or, without one, by 支給年月.
    until = membership.history_month_until(user.person) if user.person_id else None
    if until is not None:
        queryset = queryset.filter(
            Q(service_month__lte=until) | Q(service_month__isnull=True, paid_month__lte=until)
        )
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    if benefit_type_id is not None:
        queryset = queryset.filter(benefit_type_id=benefit_type_id)
    return queryset


@dataclass
class Statement:
    """A table of payments with its 合計."""

    rows: list[BenefitPayment]
    total: int


def statement(queryset: QuerySet[BenefitPayment]) -> Statement:
    """Rows (with 対象者 and 給付種別) and their 合計: one query."""
    rows = list(
        queryset.select_related("person", "benefit_type").order_by(
            "-paid_month", "person__branch", "benefit_type__sort_order", "service_month", "pk"
        )
    )
    return Statement(rows=rows, total=sum(row.amount for row in rows))


def latest_month(user: User) -> dt.date | None:
    """The newest 支給年月 the member has payments in."""
    return payments(user).aggregate(latest=Max("paid_month"))["latest"]


def month_statement(user: User, month: dt.date) -> Statement:
    return statement(payments(user).filter(paid_month=month))


def latest_statement(user: User) -> tuple[dt.date | None, Statement | None]:
    """The newest 支給年月 and its payments; (None, None) without any payments."""
    month = latest_month(user)
    return month, month_statement(user, month) if month else None


def period_statement(
    user: User,
    start: dt.date,
    end: dt.date,
    *,
    person_id: int | None = None,
    benefit_type_id: int | None = None,
) -> Statement:
    """Payments from the month of `start` to the month of `end`, both included."""
    return statement(
        payments(user, person_id=person_id, benefit_type_id=benefit_type_id).filter(
            paid_month__gte=start.replace(day=1), paid_month__lte=end.replace(day=1)
        )
    )


class FiscalYear(fiscal_years.FiscalYear):
    @property
    def amount(self) -> int:
        """The 年度's 支給金額: its total."""
        return self.total


def by_fiscal_year(queryset: QuerySet[BenefitPayment]) -> list[FiscalYear]:
    """Payments per 年度 (April–March), newest first, with each month's 支給金額: one query."""
    per_month = (
        queryset.order_by()
        .values("paid_month")
        .annotate(amount=Sum("amount"))
        .order_by("-paid_month")
        .values_list("paid_month", "amount")
    )
    return fiscal_years.group_by_fiscal_year(per_month, year_class=FiscalYear)
