"""Write side of MYポイント: the ledger (award, expiry, staff adjustment and freeze).

Other apps award points through `award` only; `balance` is the one reading of a person's points.
Every change is a new `PointEntry`; rows are never updated or deleted.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from kosmo import membership
from kosmo.models import Person, Union
from wellness.points.models import PointAccount, PointEntry, PointPolicy, StaffAction

LedgerEntry = PointEntry

EXPIRY_SOURCE = "expiry"


def policy_of(union: Union | int) -> PointPolicy:
    """The union's point rules (the defaults until staff change them)."""
    union_id = union if isinstance(union, int) else union.pk
    policy = PointPolicy.objects.filter(union_id=union_id).first()
    return policy or PointPolicy(union_id=union_id)


def add_months_end(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def valid_until_for(union_id: int, on: dt.date) -> dt.date:
    """The last day points earned on `on` may be used: the end of the month `expiry_months`
    after the month they were earned."""
    return add_months_end(on, policy_of(union_id).expiry_months)


def is_frozen(person: Person) -> bool:
    """Frozen points earn nothing and buy nothing: a staff freeze, or a former member (資格喪失,
    kosmo.membership.may_start_new)."""
    if not membership.may_start_new(person):
        return True
    return PointAccount.objects.filter(person=person, frozen=True).exists()


def balance(person: Person) -> int:
    """The person's points now: the sum of their ledger."""
    total = PointEntry.objects.filter(person=person).aggregate(total=Sum("points"))["total"]
    return total or 0


def award(person: Person, *, points: int, source: str, key: str, reason: str) -> PointEntry | None:
    """Credit `points` for the event (`source`, `key`) once per person, also when two requests
    report the event at the same moment. Returns None when nothing was credited: already
    awarded, the person's points are frozen, or `points` is not positive."""
    if points <= 0 or is_frozen(person):
        return None
    now = timezone.now()
    entry = PointEntry(
        person=person,
        kind=PointEntry.Kind.EARN,
        points=points,
        source=source,
        key=key,
        reason=reason[:200],
        created_at=now,
        valid_until=valid_until_for(person.household.union_id, timezone.localdate(now)),
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        return None
    return entry


def expiring_amount(person: Person, today: dt.date) -> int:
    """Points due to expire by `today` (first in, first out): the credits whose last valid day
    has passed, less everything already taken from the ledger (spent, expired, adjusted down);
    takings use the oldest credits first, and credits expire in the order they were earned."""
    totals = PointEntry.objects.filter(person=person).aggregate(
        expired_credits=Sum("points", filter=Q(points__gt=0, valid_until__lt=today)),
        debits=Sum("points", filter=Q(points__lt=0)),
    )
    expired_credits = totals["expired_credits"] or 0
    debits = -(totals["debits"] or 0)
    return max(0, expired_credits - debits)


def expire_points(person: Person, today: dt.date | None = None) -> PointEntry | None:
    """Write the expiry of the person's points due by `today`; running it again the same day
    (or any day after with nothing new due) writes nothing."""
    today = today or timezone.localdate()
    amount = expiring_amount(person, today)
    if amount <= 0:
        return None
    try:
        with transaction.atomic():
            return PointEntry.objects.create(
                person=person,
                kind=PointEntry.Kind.EXPIRE,
                points=-amount,
                source=EXPIRY_SOURCE,
                key=today.isoformat(),
                reason="有効期限切れ",
            )
    except IntegrityError:
        return None


def persons_with_expiring_points(today: dt.date):
    """Ids of persons holding a credit whose last valid day has passed (candidates only)."""
    return (
        PointEntry.objects.filter(points__gt=0, valid_until__lt=today)
        .values_list("person_id", flat=True)
        .distinct()
    )


def expire_all(today: dt.date | None = None) -> int:
    """The nightly expiry for everyone; returns how many persons lost points."""
    today = today or timezone.localdate()
    count = 0
    for person in Person.objects.filter(pk__in=persons_with_expiring_points(today)).select_related(
        "household"
    ):
        if expire_points(person, today) is not None:
            count += 1
    return count


@transaction.atomic
def adjust(*, person: Person, points: int, reason: str, staff) -> PointEntry:
    """A staff adjustment with its reason, and its audit row."""
    now = timezone.now()
    entry = PointEntry.objects.create(
        person=person,
        kind=PointEntry.Kind.ADJUST,
        points=points,
        source="staff",
        key=f"{now.isoformat()}:{staff.pk if staff else 0}:{person.pk}",
        reason=reason[:200],
        created_at=now,
        valid_until=(
            valid_until_for(person.household.union_id, timezone.localdate(now))
            if points > 0
            else None
        ),
        staff=staff,
    )
    record_staff_action(
        staff=staff, person=person, action="ポイント調整", detail=f"{points:+d} {reason}"
    )
    return entry


@transaction.atomic
def set_frozen(*, person: Person, frozen: bool, reason: str, staff) -> PointAccount:
    """Freeze (or unfreeze) a person's points, with the audit row."""
    account, _created = PointAccount.objects.select_for_update().get_or_create(person=person)
    account.frozen = frozen
    account.frozen_reason = reason[:200] if frozen else ""
    account.save(update_fields=["frozen", "frozen_reason"])
    record_staff_action(
        staff=staff,
        person=person,
        action="ポイント凍結" if frozen else "ポイント凍結解除",
        detail=reason,
    )
    return account


def record_staff_action(*, staff, person: Person, action: str, detail: str = "") -> StaffAction:
    """The audit row of a staff change to a member's points or orders."""
    return StaffAction.objects.create(
        union_id=person.household.union_id,
        staff=staff,
        person=person,
        action=action,
        detail=detail[:300],
    )
