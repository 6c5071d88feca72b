"""The read side: every query starts from what the signed-in account may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from eligibility.models import AddressChangeRequest, EligibilityCertificate, OrganDonationIntent
from kosmo.models import DocumentJob, Person

NOTICE_KIND = "eligibility_notice"


def covered_persons(user: User, today: dt.date | None = None) -> QuerySet[Person]:
    """The persons a 資格情報のお知らせ can be output for: the household of an insured
    account, currently covered (not past their 資格喪失日). A dependent's account gets none —
    the insured person outputs theirs (manual §4-18)."""
    person = getattr(user, "person", None)
    if person is None or not person.is_insured:
        return Person.objects.none()
    today = today or timezone.localdate()
    return (
        Person.objects.visible_to(user)
        .filter(Q(disqualified_on__isnull=True) | Q(disqualified_on__gt=today))
        .select_related("household__union")
        .order_by("branch")
    )


def get_covered_person_for_member(user: User, pk: object) -> Person:
    """A person this account may output a notice for, from a posted id; another household's,
    a missing or a non-numeric id is a 404."""
    try:
        return covered_persons(user).get(pk=int(pk))
    except (TypeError, ValueError, Person.DoesNotExist):
        raise Http404("no such person in the household") from None


@dataclass(frozen=True)
class NoticeRow:
    person: Person
    job: DocumentJob | None  # the newest request for this person, if any is still current

    @property
    def verified(self) -> bool:
        return self.job is not None


def notice_rows(user: User) -> list[NoticeRow]:
    """One row per covered person with their newest unexpired job: two queries."""
    persons = list(covered_persons(user))
    now = timezone.now()
    jobs: dict[int, DocumentJob] = {}
    for job in (
        DocumentJob.objects.filter(owner=user, kind=NOTICE_KIND)
        .exclude(state=DocumentJob.State.READY, expires_at__lte=now)
        .order_by("created_at")
    ):
        jobs[job.params.get("person")] = job  # newest wins
    return [NoticeRow(person, jobs.get(person.pk)) for person in persons]


def get_notice_job_for_member(user: User, pk: int) -> DocumentJob:
    """A 資格情報のお知らせ job of this account; anyone else's is a 404."""
    try:
        return DocumentJob.objects.get(pk=pk, owner=user, kind=NOTICE_KIND)
    except DocumentJob.DoesNotExist:
        raise Http404("no such notice") from None


def certificates(user: User) -> QuerySet[EligibilityCertificate]:
    """The 資格確認書 of the persons this account may see (the household for the insured,
    only themself for a dependent)."""
    return (
        EligibilityCertificate.objects.filter(person__in=Person.objects.visible_to(user))
        .select_related("person__household__union", "person__account")
        .order_by("person__branch")
    )


def get_certificate_for_member(user: User, pk: int) -> EligibilityCertificate:
    try:
        return certificates(user).get(pk=pk)
    except EligibilityCertificate.DoesNotExist:
        raise Http404("no such certificate") from None


def insured_of(person: Person) -> Person | None:
    """The household's 被保険者 (printed on a dependent's documents)."""
    if person.is_insured:
        return person
    return Person.objects.filter(household_id=person.household_id, role=Person.Role.INSURED).first()


def has_account(person: Person) -> bool:
    """Whether the person can sign in themself (read from `person__account` when loaded)."""
    try:
        return person.account is not None
    except User.DoesNotExist:
        return False


def may_record_organ_donation(user: User, person: Person) -> bool:
    """臓器提供の意思表示 is the person's own decision: a member records their own; the insured
    records for a household member only when that person has no account to sign in with."""
    if user.person_id == person.pk:
        return True
    return user.person.is_insured and not has_account(person)


def current_organ_donation(person: Person) -> OrganDonationIntent | None:
    """The newest 意思表示 that counts: for a person with an account only their own (one the
    insured recorded before they could sign in, or for them, is not theirs)."""
    intents = person.organ_donation_intents.all()
    if has_account(person):
        intents = intents.filter(recorded_by__person=person)
    return intents.order_by("-recorded_at", "-pk").first()


def pending_address_change(person: Person) -> AddressChangeRequest | None:
    return person.address_change_requests.filter(applied_at__isnull=True).order_by("-pk").first()
