"""Demo 資格確認書 for `manage.py seed_demo`: every demo person has one, valid today, except
山田 一郎's, suspended so the refusal can be seen; union staff may manage them in admin."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from eligibility.models import EligibilityCertificate
from kosmo.models import Person, Union

SUSPENDED = {("kosmo", "1001", "10001", "02")}


def seed(unions: dict[str, Union]) -> list[str]:
    today = timezone.localdate()
    issued_on = today - dt.timedelta(days=60)
    expires_on = dt.date(today.year + 3, 7, 31)
    slugs = {union.pk: slug for slug, union in unions.items()}
    persons = Person.objects.filter(household__union__in=unions.values()).select_related(
        "household"
    )
    # A former member (資格喪失) holds no certificate: it would certify coverage they lost.
    EligibilityCertificate.objects.filter(person__in=persons.exclude(disqualified_on=None)).delete()
    persons = list(persons.filter(disqualified_on=None))
    for person in persons:
        key = (
            slugs[person.household.union_id],
            person.household.symbol,
            person.household.number,
            person.branch,
        )
        suspended = key in SUSPENDED
        EligibilityCertificate.objects.update_or_create(
            person=person,
            defaults={
                "issued_on": issued_on,
                "expires_on": expires_on,
                "suspended": suspended,
                "suspension_reason": "デモ: 利用停止の例" if suspended else "",
            },
        )
    return [
        f"  資格確認書: {len(persons)}件 (交付 {issued_on:%Y-%m-%d}、"
        f"有効期限 {expires_on:%Y-%m-%d}、山田 一郎は利用停止の例)"
    ]
