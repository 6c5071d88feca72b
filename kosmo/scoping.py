"""Member data scoped to the account asking: one rule for every app's household rows."""

from __future__ import annotations

from typing import Self

from django.db import models


class HouseholdScopedQuerySet(models.QuerySet):
    """For rows that carry both ``household`` and ``person`` (claims, payments, checkups)."""

    def visible_to(self, user) -> Self:
        """Rows of the persons this account may see: the whole household for the insured,
        only their own for a dependent, none for an account without a person (staff)."""
        person = getattr(user, "person", None)
        if person is None:
            return self.none()
        if person.is_insured:
            return self.filter(household_id=person.household_id)
        return self.filter(person_id=person.pk)
