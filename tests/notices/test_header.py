"""The 🔔 and ✉ counts on every signed-in page: one query cold, none warm."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from notices import services
from notices.unread import UnreadCounts, unread_counts
from tests.notices.factories import NoticeFactory


def _header(client, url="/"):
    html = client.get(url).content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_counts_take_one_query_cold_and_none_warm(union, insured, django_assert_num_queries):
    NoticeFactory.create_batch(3, union=union)
    NoticeFactory(union=None)
    for n in range(4):
        services.send_message(insured.person, f"件名{n}", "本文")
    cache.clear()

    with django_assert_num_queries(1):
        counts = unread_counts(insured.person.pk, union.pk)
    with django_assert_num_queries(0):
        assert unread_counts(insured.person.pk, union.pk) == counts
    assert (counts.news, counts.mail) == (4, 4)


def test_pages_cost_no_extra_query_for_the_header_once_warm(
    portal_client, union, insured, count_queries
):
    services.send_message(insured.person, "件名", "本文")
    portal_client.get("/")
    html = portal_client.get("/").content.decode()
    assert "MYメール 未読1件" in html
    total, own = count_queries(lambda: portal_client.get("/"))
    assert own == 0  # the counts come from the cache
    cache.delete("notices:v:global")
    assert count_queries(lambda: portal_client.get("/")) == (total + 1, 1)  # cold: one query


def test_counts_follow_reading_and_publishing(portal_client, union, insured):
    message = services.send_message(insured.person, "件名", "本文")
    notice = NoticeFactory(union=union)
    services.notice_saved(notice)
    header = _header(portal_client)
    assert "お知らせ 未読1件" in header
    assert "MYメール 未読1件" in header

    portal_client.get(f"/notices/mail/{message.pk}/")
    portal_client.get(f"/notices/news/{notice.pk}/")

    header = _header(portal_client)
    assert "未読" not in header
    assert 'class="badge"' not in header


def test_cached_counts_expire_when_a_publish_window_opens_or_closes(union, insured):
    """A window boundary changes no version, so the cold query caps the cache lifetime."""
    from notices.unread import MAX_TTL, _query

    now = timezone.now()
    person, union_id = insured.person.pk, union.pk
    assert _query(person, union_id, now)[1] == MAX_TTL
    NoticeFactory(union=union, publish_from=now + dt.timedelta(seconds=90))
    assert _query(person, union_id, now) == (UnreadCounts(0, 0), 91)
    NoticeFactory(
        union=None,
        publish_from=now - dt.timedelta(days=1),
        publish_until=now + dt.timedelta(seconds=30),
    )
    assert _query(person, union_id, now) == (UnreadCounts(1, 0), 31)
    assert _query(person, union_id, now + dt.timedelta(seconds=95)) == (UnreadCounts(1, 0), MAX_TTL)


def test_counts_over_99_read_99_plus(portal_client, union, insured):
    NoticeFactory.create_batch(100, union=union)
    assert '<span class="badge" aria-hidden="true">99+</span>' in _header(portal_client)


def test_header_without_a_member(client, union, staff):
    assert "ログイン" in _header(client)
    assert "/notices/news/" not in _header(client)
    client.force_login(staff)
    header = _header(client, "/notices/help/faq/")
    assert "/notices/news/" not in header
    assert "staff_cosmo" in header


def test_the_etax_page_header_shows_the_counts(portal_client, union, insured):
    services.send_message(insured.person, "件名", "本文")

    response = portal_client.get("/medical/etax/?year=2025")

    html = response.content.decode()
    assert response.status_code == 200 and "2025年分の医療費明細" in html
    assert "MYメール 未読1件" in html[html.index("<header") : html.index("</header>")]


def test_the_header_escapes_the_members_name(portal_client, insured):
    insured.person.given_name = "<花子> & 'さん'"
    insured.person.save()
    header = _header(portal_client)
    assert "&lt;花子&gt; &amp; &#x27;さん&#x27;" in header
    assert "<花子>" not in header
