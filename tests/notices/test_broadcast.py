"""NTC-2 MYメール to a segment, and NTC-4: the arrival e-mails respect Eメール通知設定."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from kosmo.models import Person
from notices import services, tasks
from notices.models import EmailPreference, Message
from tests import factories
from tests.notices.factories import BroadcastFactory


@pytest.fixture
def members(union, household, insured, dependent, child, other_household_member):
    """The union's people on `today`: yamada taro (insured, 1979-08-22, account),
    yamada hanako (spouse, 1981-03-03, account), ichiro (child, born 2012-05-05, no account),
    sato ken (insured, other household, account), a retired member and another union's."""
    child.birth_date = dt.date(2012, 5, 5)
    child.sex = Person.Sex.MALE
    child.save()
    retired = factories.PersonFactory(
        household=factories.HouseholdFactory(union=union),
        given_name="退職",
        disqualified_on=dt.date(2020, 3, 31),
    )
    factories.PersonFactory(household=factories.HouseholdFactory(union=factories.UnionFactory()))
    return {
        "taro": insured.person,
        "hanako": dependent.person,
        "ichiro": child,
        "ken": other_household_member.person,
        "retired": retired,
    }


def _reached(broadcast, on):
    return set(broadcast.recipients(on).values_list("pk", flat=True))


TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ({}, {"taro", "hanako", "ichiro", "ken"}),
        ({"role": Person.Role.INSURED}, {"taro", "ken"}),
        ({"role": Person.Role.DEPENDENT}, {"hanako", "ichiro"}),
        ({"sex": Person.Sex.FEMALE}, {"hanako"}),
        # taro is 47 on 2026-11-26, hanako 45, ichiro 14
        ({"age_min": 40, "age_max": 74}, {"taro", "hanako", "ken"}),
        ({"age_min": 46}, {"taro", "ken"}),
        ({"age_max": 45}, {"hanako", "ichiro"}),
        ({"age_max": 14}, {"ichiro"}),
        ({"age_min": 15, "age_max": 44}, set()),
        ({"with_account_only": True, "role": Person.Role.DEPENDENT}, {"hanako"}),
    ],
)
def test_segments_reach_exactly_the_right_members(union, members, segment, expected):
    broadcast = BroadcastFactory(union=union, **segment)
    assert _reached(broadcast, TODAY) == {members[name].pk for name in expected}


def test_age_bands_count_birthdays_on_the_sending_day(union, members):
    broadcast = BroadcastFactory(union=union, age_min=47, age_max=47)
    assert members["taro"].pk not in _reached(broadcast, dt.date(2026, 8, 21))
    assert members["taro"].pk in _reached(broadcast, dt.date(2026, 8, 22))
    assert members["taro"].pk in _reached(broadcast, dt.date(2027, 8, 21))
    assert members["taro"].pk not in _reached(broadcast, dt.date(2027, 8, 22))


def test_sending_a_broadcast_delivers_once_and_mails_only_those_who_opted_in(
    union, members, insured, dependent, other_household_member, django_capture_on_commit_callbacks
):
    EmailPreference.objects.create(user=dependent, my_mail=False)
    broadcast = BroadcastFactory(union=union, requires_reply=True)

    with django_capture_on_commit_callbacks(execute=True):
        delivered = services.send_broadcast(broadcast)

    assert delivered == 4
    assert set(Message.objects.values_list("recipient_id", flat=True)) == {
        members[name].pk for name in ("taro", "hanako", "ichiro", "ken")
    }
    assert all(m.requires_reply for m in Message.objects.all())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [insured.email, other_household_member.email]
    )
    broadcast.refresh_from_db()
    assert broadcast.recipient_count == 4
    assert broadcast.emailed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_broadcast(broadcast) == 0
    assert Message.objects.count() == 4
    assert len(mail.outbox) == 2


def test_broadcast_mails_go_out_in_batches_and_resume_without_duplicates(
    union, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    users = [
        factories.UserFactory(person__household=factories.HouseholdFactory(union=union))
        for _ in range(5)
    ]
    broadcast = BroadcastFactory(union=union)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_broadcast(broadcast)

    assert tasks.email_broadcast(broadcast.pk) == 2  # first batch only
    broadcast.refresh_from_db()
    assert broadcast.emailed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        tasks.email_broadcast(broadcast.pk)  # second batch, which queues the third
    broadcast.refresh_from_db()
    assert broadcast.emailed_at is not None
    assert tasks.email_broadcast(broadcast.pk) == 0  # a duplicate delivery sends nothing
    from kosmo.models import OutboundEmail

    assert sorted(e.to[0] for e in OutboundEmail.objects.all()) == sorted(u.email for u in users)


def test_broadcast_unread_counts_reach_the_header(portal_client, union, members):
    html = portal_client.get("/").content.decode()
    assert "MYメール 未読" not in html
    services.send_broadcast(BroadcastFactory(union=union))
    assert "MYメール 未読1件" in portal_client.get("/").content.decode()


def test_disqualified_members_and_future_members_are_not_reached(union, members):
    newcomer = factories.PersonFactory(
        household=factories.HouseholdFactory(union=union),
        qualified_on=timezone.localdate() + dt.timedelta(days=10),
    )
    broadcast = BroadcastFactory(union=union)
    reached = _reached(broadcast, timezone.localdate())
    assert members["retired"].pk not in reached
    assert newcomer.pk not in reached


def test_broadcast_mails_load_the_members_names_without_a_query_each(union, members):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    broadcast = BroadcastFactory(union=union)
    services.send_broadcast(broadcast)
    with CaptureQueriesContext(connection) as context:
        assert tasks.email_broadcast(broadcast.pk) == 3  # taro, hanako, ken have accounts
    person_reads = [q for q in context.captured_queries if 'FROM "kosmo_person"' in q["sql"]]
    assert len(person_reads) <= 1
