"""NTC-1 お知らせ: union-wide and service-wide notices, publish windows, unread marks."""

import datetime as dt

from django.utils import timezone

from notices.models import NoticeRead
from tests.notices.factories import NoticeFactory


def _html(response):
    return response.content.decode()


def test_member_sees_own_union_and_service_notices_but_not_another_unions(
    portal_client, union, other_union_member
):
    NoticeFactory(union=union, title="保険証の更新について")
    NoticeFactory(union=None, title="メンテナンスのお知らせ", category="service")
    NoticeFactory(union=other_union_member.union, title="よその組合の運動会")

    html = _html(portal_client.get("/notices/news/"))

    assert "保険証の更新について" in html
    assert "メンテナンスのお知らせ" in html
    assert "サービスからのお知らせ" in html
    assert "よその組合の運動会" not in html


def test_notices_show_only_inside_their_publish_window(portal_client, union):
    now = timezone.now()
    NoticeFactory(union=union, title="公開中", publish_from=now - dt.timedelta(hours=1))
    NoticeFactory(union=union, title="予約投稿", publish_from=now + dt.timedelta(hours=1))
    NoticeFactory(
        union=union,
        title="掲載終了",
        publish_from=now - dt.timedelta(days=3),
        publish_until=now - dt.timedelta(days=1),
    )

    html = _html(portal_client.get("/notices/news/"))

    assert "公開中" in html
    assert "予約投稿" not in html
    assert "掲載終了" not in html


def test_opening_a_notice_removes_its_unread_mark(portal_client, union, insured):
    notice = NoticeFactory(union=union, title="健康づくり講座")
    assert 'class="unread-mark">未読<' in _html(portal_client.get("/notices/news/"))

    detail = portal_client.get(f"/notices/news/{notice.pk}/")

    assert detail.status_code == 200
    assert "健康づくり講座" in _html(detail)
    assert "健康保険組合からのお知らせです。" in _html(detail)
    assert NoticeRead.objects.filter(notice=notice, person=insured.person).count() == 1
    assert "未読" not in _html(portal_client.get("/notices/news/")).split("</header>")[1]
    portal_client.get(f"/notices/news/{notice.pk}/")
    assert NoticeRead.objects.count() == 1


def test_read_marks_are_per_member(portal_client, dependent_client, union):
    notice = NoticeFactory(union=union)
    portal_client.get(f"/notices/news/{notice.pk}/")

    assert 'class="unread-mark"' in _html(dependent_client.get("/notices/news/"))


def test_another_unions_or_unpublished_notice_is_not_found_by_id(
    portal_client, union, other_union_member
):
    foreign = NoticeFactory(union=other_union_member.union)
    scheduled = NoticeFactory(union=union, publish_from=timezone.now() + dt.timedelta(days=1))

    assert portal_client.get(f"/notices/news/{foreign.pk}/").status_code == 404
    assert portal_client.get(f"/notices/news/{scheduled.pk}/").status_code == 404
    assert portal_client.get("/notices/news/999999/").status_code == 404
    assert not NoticeRead.objects.exists()


def test_visitor_is_sent_to_login_and_staff_without_person_refused(client, union, staff):
    response = client.get("/notices/news/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")

    client.force_login(staff)
    assert client.get("/notices/news/").status_code == 403


def test_news_list_is_paginated_with_a_constant_number_of_queries(
    portal_client, union, insured, count_queries
):
    NoticeFactory.create_batch(3, union=union)
    portal_client.get("/notices/news/")  # warms the union and header caches
    total, own = count_queries(lambda: portal_client.get("/notices/news/"))
    assert own == 2  # count, the page with read marks; the header costs none warm

    NoticeFactory.create_batch(30, union=union)
    NoticeRead.objects.create(notice=NoticeFactory(union=union), person=insured.person)
    portal_client.get("/notices/news/")
    response = None

    def page_two():
        nonlocal response
        response = portal_client.get("/notices/news/?page=2")

    assert count_queries(page_two) == (total, 2)
    assert response.status_code == 200
    assert "2 / 2" in _html(response)
