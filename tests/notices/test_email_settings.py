"""NTC-4 Eメール通知設定: opt in/out of the news and MY mail e-mails, and sending respects it."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from notices import services, tasks
from notices.models import EmailPreference, Notice
from tests import factories
from tests.notices.factories import NoticeFactory


def test_member_opts_out_of_news_and_keeps_my_mail(portal_client, insured):
    page = portal_client.get("/notices/notifications/email/").content.decode()
    assert "Eメール通知設定" in page
    assert page.count("checked") == 2  # both on until changed

    response = portal_client.post("/notices/notifications/email/", {"my_mail": "on"})

    assert response.status_code == 302
    preference = EmailPreference.objects.get(user=insured)
    assert (preference.news, preference.my_mail) == (False, True)
    assert "Eメール通知設定を保存しました。" in portal_client.get(response.url).content.decode()


def test_notification_menu_leads_to_email_settings(portal_client):
    html = portal_client.get("/").content.decode()
    assert 'href="/notices/notifications/"' in html
    assert (
        'href="/notices/notifications/email/"'
        in portal_client.get("/notices/notifications/").content.decode()
    )


def test_opted_out_member_gets_no_arrival_mail(
    insured, dependent, django_capture_on_commit_callbacks
):
    EmailPreference.objects.create(user=insured, my_mail=False, news=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(insured.person, "件名", "本文")
        services.send_message(dependent.person, "件名", "本文")
    assert [m.to for m in mail.outbox] == [[dependent.email]]


def _publish(notice, capture):
    with capture(execute=True):
        services.notice_saved(notice)


def test_published_notice_mails_members_who_want_news(
    union,
    insured,
    dependent,
    other_household_member,
    other_union_member,
    staff,
    django_capture_on_commit_callbacks,
):
    EmailPreference.objects.create(user=dependent, news=False)
    notice = NoticeFactory(union=union, title="健康セミナー開催", send_email=True)

    _publish(notice, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [insured.email, other_household_member.email]
    )
    assert "健康セミナー開催" in mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    _publish(notice, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_service_notice_mails_members_of_every_union(
    insured, other_union_member, staff, django_capture_on_commit_callbacks
):
    notice = NoticeFactory(union=None, category=Notice.Category.SERVICE, send_email=True)
    _publish(notice, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([insured.email, other_union_member.email])


def test_scheduled_notice_is_mailed_only_once_published(
    union, insured, django_capture_on_commit_callbacks
):
    notice = NoticeFactory(
        union=union, send_email=True, publish_from=timezone.now() + dt.timedelta(hours=2)
    )
    _publish(notice, django_capture_on_commit_callbacks)  # the eager task runs too early
    assert mail.outbox == []
    assert tasks.queue_due_notice_emails() == 0

    Notice.objects.filter(pk=notice.pk).update(
        publish_from=timezone.now() - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_due_notice_emails() == 1
    assert [m.to for m in mail.outbox] == [[insured.email]]


def test_notice_mails_go_out_in_batches(union, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    users = [
        factories.UserFactory(person__household=factories.HouseholdFactory(union=union))
        for _ in range(5)
    ]
    notice = NoticeFactory(union=union, send_email=True)
    assert tasks.email_notice(notice.pk) == 2
    notice.refresh_from_db()
    assert notice.emailed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        tasks.email_notice(notice.pk)
    from kosmo.models import OutboundEmail

    assert sorted(e.to[0] for e in OutboundEmail.objects.all()) == sorted(u.email for u in users)
    assert tasks.email_notice(notice.pk) == 0


def _person_queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    return sum('FROM "kosmo_person"' in q["sql"] for q in context.captured_queries)


def test_notice_mails_load_the_members_names_without_a_query_each(union):
    for _ in range(4):
        factories.UserFactory(person__household=factories.HouseholdFactory(union=union))
    notice = NoticeFactory(union=union, send_email=True)

    assert _person_queries(lambda: tasks.email_notice(notice.pk)) == 0
