"""Member data scoped to the account asking: one rule for every app's household rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from kosmo.models import Person


def member_scope(user) -> tuple[str, int] | None:
    """The rule: the whole household for the insured, only their own rows for a dependent,
    nothing for an account without a person (staff) — as the field and id to filter on."""
    person = getattr(user, "person", None)
    if person is None:
        return None
    if person.is_insured:
        return "household_id", person.household_id
    return "person_id", person.pk


class HouseholdScopedQuerySet(models.QuerySet):
    """For rows that carry both ``household`` and ``person`` (claims, payments, checkups)."""

    def visible_to(self, user) -> Self:
        """Rows of the persons this account may see (`member_scope`)."""
        scope = member_scope(user)
        if scope is None:
            return self.none()
        field, value = scope
        return self.filter(**{field: value})


def visible_persons(user) -> list[Person]:
    """The persons this account may choose (受診者, 対象者), by 枝番: the household for the
    insured, only themself for a dependent, nobody for staff (`member_scope`). One query."""
    from kosmo.models import Person

    return list(Person.objects.visible_to(user).order_by("branch"))
