"""kosmo.scoping: the persons a member may choose, as their own query or inside another."""

import pytest
from django.db.models import Value

from kosmo.models import Person
from kosmo.scoping import (
    member_scope,
    persons_from_json,
    visible_persons,
    visible_persons_json,
)


def _inside_another_query(user):
    field, scope_id = member_scope(user)
    text = (
        Person.objects.annotate(choices=visible_persons_json(field, scope_id), one=Value(1))
        .values_list("choices", flat=True)
        .first()
    )
    return persons_from_json(text)


@pytest.mark.parametrize("who", ["insured", "dependent"])
def test_inside_another_query_they_are_the_persons_of_their_own_query(
    request, who, insured, dependent, child, other_household_member
):
    user = request.getfixturevalue(who)
    expected = visible_persons(user)
    persons = _inside_another_query(user)
    assert [(p.pk, p.full_name, p.branch) for p in persons] == [
        (p.pk, p.full_name, p.branch) for p in expected
    ]
    assert {"birth_date", "address"} <= persons[0].get_deferred_fields()
    assert persons[0].birth_date == expected[0].birth_date  # loaded when asked for


def test_staff_may_choose_nobody(staff):
    assert member_scope(staff) is None
    assert visible_persons(staff) == []
    assert persons_from_json(None) == []
