"""kosmo.prepared: a queryset compiled once gives, for other ids, what the ORM gives."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F, signals
from django.test.utils import CaptureQueriesContext

from kosmo.models import Person
from kosmo.prepared import PreparedQuery
from medical.models import Claim
from tests import factories


def _household_claims(shape, *, household):
    return (
        Claim.objects.filter(household_id=household)
        .select_related("person")
        .order_by("service_month", "provider_name")
    )


def _rows(claims):
    return [(c.pk, c.service_month, c.person.full_name, c.patient_paid) for c in claims]


@pytest.fixture
def two_households(insured, other_household_member, child):
    for month in (1, 2):
        factories.ClaimFactory(person=insured.person, service_month=dt.date(2025, month, 1))
    factories.ClaimFactory(person=child, service_month=dt.date(2025, 3, 1), patient_paid=1234)
    factories.ClaimFactory(person=other_household_member.person, service_month=dt.date(2025, 1, 1))
    return insured.person.household_id, other_household_member.person.household_id


def test_each_id_gets_what_the_orm_gives(two_households):
    query = PreparedQuery("test.household_claims", _household_claims)
    for household in (*two_households, *two_households, 0):
        prepared = query.run("all", household=household)
        expected = list(_household_claims("all", household=household))
        assert _rows(prepared) == _rows(expected)
        assert all(isinstance(c, Claim) and c._state.db == "default" for c in prepared)
        assert not any(c._state.adding for c in prepared)


def test_one_query_each_time_and_the_related_person_comes_with_it(two_households):
    query = PreparedQuery("test.household_claims", _household_claims)
    query.run("all", household=two_households[0])  # compiled here
    with CaptureQueriesContext(connection) as captured:
        claims = query.run("all", household=two_households[0])
        names = [claim.person.full_name for claim in claims]
    assert len(captured.captured_queries) == 1
    assert len(names) == 3


def test_a_date_read_back_is_a_date_on_every_backend(two_households):
    claims = PreparedQuery("test.household_claims", _household_claims).run(
        "all", household=two_households[0]
    )
    assert {type(claim.service_month) for claim in claims} == {dt.date}


def test_an_id_that_is_not_a_query_parameter_is_refused(db):
    query = PreparedQuery(
        "test.unused", lambda shape, *, household, person: Claim.objects.filter(person_id=person)
    )
    with pytest.raises(ValueError, match="household"):
        query.run("all", household=1, person=2)


def _claims_between(shape, *, household, start, end):
    return _household_claims(shape, household=household).filter(
        service_month__gte=start, service_month__lte=end
    )


def test_dates_vary_too(two_households):
    query = PreparedQuery("test.claims_between", _claims_between)
    household = two_households[0]
    for start, end in [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 1)),
        (dt.date(2025, 2, 1), dt.date(2025, 3, 1)),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 1)),
    ]:
        prepared = query.run("all", household=household, start=start, end=end)
        expected = _claims_between("all", household=household, start=start, end=end)
        assert _rows(prepared) == _rows(expected)
    assert (
        len(
            query.run(
                "all", household=household, start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 1)
            )
        )
        == 2
    )


def test_only_ids_and_dates_vary(db):
    query = PreparedQuery("test.by_name", lambda shape, *, name: Claim.objects.filter(note=name))
    with pytest.raises(TypeError, match="str"):
        query.run("all", name="x")


def _fields(instance):
    return {name: value for name, value in instance.__dict__.items() if name != "_state"}


def _few_fields(shape, *, household):
    return _household_claims(shape, household=household).only(
        "service_month", "patient_paid", "person__family_name", "person__given_name"
    )


@pytest.mark.parametrize("build", [_household_claims, _few_fields])
def test_instances_are_those_the_orm_builds(two_households, build):
    """Made without __init__, a row's instance holds the same values, state and deferred
    fields as the ORM's, and behaves as one: a deferred field loads, a save updates."""
    prepared = PreparedQuery(f"test.{build.__name__}", build).run(
        "all", household=two_households[0]
    )
    expected = list(build("all", household=two_households[0]))
    assert [_fields(c) for c in prepared] == [_fields(c) for c in expected]
    assert [_fields(c.person) for c in prepared] == [_fields(c.person) for c in expected]
    assert [c.get_deferred_fields() for c in prepared] == [
        c.get_deferred_fields() for c in expected
    ]
    claim = prepared[0]
    assert claim.provider_name == expected[0].provider_name  # loaded if deferred
    claim.note = "更新"
    claim.save()
    assert Claim.objects.get(pk=claim.pk).note == "更新"
    assert Claim.objects.count() == 4


@pytest.mark.parametrize("sender", [Claim, Person])
def test_a_model_with_init_receivers_is_built_through_init(two_households, sender):
    """Also the related persons (select_related)."""
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=sender)
    try:
        claims = PreparedQuery("test.with_receiver", _household_claims).run(
            "all", household=two_households[0]
        )
    finally:
        signals.post_init.disconnect(receiver, sender=sender)
    built = claims if sender is Claim else [claim.person for claim in claims]
    assert [id(instance) for instance in seen] == [id(instance) for instance in built]


def test_a_receiver_connected_after_the_first_run_sees_the_next_runs(two_households):
    query = PreparedQuery("test.receiver_later", _household_claims)
    query.run("all", household=two_households[0])
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs["args"])

    signals.pre_init.connect(receiver, sender=Claim)
    try:
        assert len(query.run("all", household=two_households[0])) == len(seen) == 3
    finally:
        signals.pre_init.disconnect(receiver, sender=Claim)


def _with_annotation(shape, *, household):
    return _household_claims(shape, household=household).annotate(doubled=F("patient_paid") * 2)


def test_annotations_become_attributes_as_with_the_orm(two_households):
    prepared = PreparedQuery("test.annotated", _with_annotation).run(
        "all", household=two_households[0]
    )
    expected = list(_with_annotation("all", household=two_households[0]))
    assert [c.doubled for c in prepared] == [c.doubled for c in expected]
    assert [c.doubled for c in prepared] == [c.patient_paid * 2 for c in prepared]
