"""Member data scoped to the account asking: one rule for every app's household rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Func, Subquery, TextField
from django.db.models.functions import JSONArray

from kosmo.prepared import PreparedQuery

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


def _persons(scope_field: str, *, scope: int):
    from kosmo.models import Person

    return Person.objects.in_scope(scope_field, scope).order_by("branch")


# Asked on every statement page for its 受診者/対象者 choices: compiled once (kosmo.prepared).
_PERSONS = PreparedQuery("kosmo.visible_persons", _persons)


def visible_persons(user) -> list[Person]:
    """The persons this account may choose (受診者, 対象者), by 枝番: the household for the
    insured, only themself for a dependent, nobody for staff (`member_scope`)."""
    scope = member_scope(user)
    if scope is None:
        return []
    scope_field, scope_id = scope
    return _PERSONS.run(scope_field, scope=scope_id)


class _JSONRows(Func):
    """One JSON array of the query's rows (JSONB_AGG; JSON_GROUP_ARRAY on SQLite), as text. A
    Func rather than an Aggregate, so that the ORM adds no GROUP BY: the subquery is one row."""

    function = "JSONB_AGG"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _person_columns() -> list[str]:
    """The fields the choices need, in the model's order (as ``from_db`` takes values)."""
    from kosmo.models import Person

    wanted = {"id", "branch", "family_name", "given_name"}
    return [f.attname for f in Person._meta.concrete_fields if f.attname in wanted]


def visible_persons_json(scope_field: str, scope_id: int) -> Subquery:
    """`visible_persons` of a `member_scope` as one value inside another query (a page's main
    query, so that the choices cost no round trip of their own): read it with
    `persons_from_json`."""
    from kosmo.models import Person

    persons = Person.objects.in_scope(scope_field, scope_id).order_by()
    rows = persons.annotate(rows=_JSONRows(JSONArray(*_person_columns()))).values("rows")
    return Subquery(rows[:1], output_field=TextField())


def persons_from_json(text: str | None, *, using: str = "default") -> list[Person]:
    """The persons of `visible_persons_json`, by 枝番, with their names read; any other field
    is deferred (loaded from the database if asked for), as with ``only()``."""
    from kosmo.models import Person

    columns = _person_columns()
    branch = columns.index("branch")
    rows = sorted(json.loads(text or "[]"), key=lambda row: row[branch])
    return [Person.from_db(using, columns, row) for row in rows]
