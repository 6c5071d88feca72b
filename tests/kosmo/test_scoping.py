"""kosmo.scoping: the persons a member may choose."""

import pytest

from kosmo.scoping import member_scope, visible_persons


@pytest.mark.parametrize(
    ("who", "expected"),
    [("insured", ["insured", "dependent", "child"]), ("dependent", ["dependent"])],
)
def test_the_insured_choose_their_household_and_a_dependent_only_themself(
    request, who, expected, insured, dependent, child, other_household_member
):
    user = request.getfixturevalue(who)
    found = [request.getfixturevalue(name) for name in expected]
    persons = [getattr(each, "person", each) for each in found]  # child is a Person
    assert visible_persons(user) == sorted(persons, key=lambda person: person.branch)


def test_staff_may_choose_nobody(staff):
    assert member_scope(staff) is None
    assert visible_persons(staff) == []
