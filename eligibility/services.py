"""The write side: birth-date checks (rate-limited), notice requests, 住所変更 and
臓器提供の意思表示. Plain functions, keyword-only arguments, no request objects."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from eligibility import queries
from eligibility.models import AddressChangeRequest, OrganDonationIntent
from kosmo import documents
from kosmo.models import DocumentJob, Person

BIRTH_DATE_ATTEMPTS = 5  # wrong birth dates allowed per account …
BIRTH_DATE_WINDOW = 15 * 60  # … per 15 minutes (seconds), counted from the first failure


class BirthDateLocked(Exception):
    """Too many wrong birth dates: the check is refused until the window passes."""


def _attempts_key(user: User) -> str:
    return f"eligibility:birth-date-failures:{user.pk}"


def birth_date_locked(user: User) -> bool:
    return (cache.get(_attempts_key(user)) or 0) >= BIRTH_DATE_ATTEMPTS


def check_birth_date(*, user: User, person: Person, birth_date: dt.date) -> bool:
    """Whether `birth_date` is the person's; a wrong one counts against the account.
    Raises BirthDateLocked after 5 wrong dates in 15 minutes (right ones included then)."""
    if birth_date_locked(user):
        raise BirthDateLocked
    if birth_date == person.birth_date:
        return True
    key = _attempts_key(user)
    cache.add(key, 0, timeout=BIRTH_DATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=BIRTH_DATE_WINDOW)
    return False


def request_notice(*, user: User, person: Person) -> DocumentJob:
    """Queue the person's 資格情報のお知らせ (or return the job already running/ready)."""
    return documents.request_document(
        owner=user, kind=queries.NOTICE_KIND, params={"person": person.pk}
    )


def retry_notice(*, job: DocumentJob) -> DocumentJob:
    return documents.retry(job)


@transaction.atomic
def request_address_change(
    *, user: User, person: Person, postal_code: str, address: str
) -> tuple[AddressChangeRequest, bool]:
    """Record a 住所変更 for staff; the same pending change sent twice is recorded once.
    Returns the request and whether it is new."""
    # Lock the person, not the (maybe absent) request row: two 「確定」 at once wait in turn.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    existing = AddressChangeRequest.objects.filter(
        person=person, applied_at__isnull=True, postal_code=postal_code, address=address
    ).first()
    if existing is not None:
        return existing, False
    change = AddressChangeRequest.objects.create(
        person=person, requested_by=user, postal_code=postal_code, address=address
    )
    return change, True


@transaction.atomic
def apply_address_change(*, change: AddressChangeRequest, staff: User) -> bool:
    """Staff 「反映する」: the person's address becomes the requested one; once only."""
    change = AddressChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.applied_at is not None:
        return False
    Person.objects.filter(pk=change.person_id).update(
        postal_code=change.postal_code, address=change.address
    )
    change.applied_at = timezone.now()
    change.applied_by = staff
    change.save(update_fields=["applied_at", "applied_by"])
    return True


class NotTheirDecision(Exception):
    """Someone else's 臓器提供の意思表示: only the person, or the insured for a household
    member without an account."""


def record_organ_donation(
    *, user: User, person: Person, choice: str, excluded_organs: list[str]
) -> tuple[OrganDonationIntent, bool]:
    """「確定」: the new 臓器提供の意思表示 (the newest is the current one). The same choice
    confirmed again (a double submit) adds no row. Returns the record and whether it is new.
    Raises NotTheirDecision when `user` may not decide for `person` (a member with an account
    decides only for themself)."""
    if not queries.may_record_organ_donation(user, person):
        raise NotTheirDecision(person.pk)
    organs = [key for key in OrganDonationIntent.Organ.values if key in set(excluded_organs)]
    if choice == OrganDonationIntent.Choice.NONE:
        organs = []
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one at a time
        current = queries.current_organ_donation(person)
        if current is not None and current.choice == choice and current.excluded_organs == organs:
            return current, False
        intent = OrganDonationIntent.objects.create(
            person=person, recorded_by=user, choice=choice, excluded_organs=organs
        )
    return intent, True
