"""Member data scoped to the account asking: one rule for every app's household rows."""

from __future__ import annotations

from typing import Self

from django.db import models


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
