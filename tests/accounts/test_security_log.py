"""The member's 「セキュリティ履歴」: their own account's events, and nobody else's."""

import datetime as dt
from zoneinfo import ZoneInfo

from accounts.models import SecurityEvent
from tests import factories

URL = "/accounts/security/"
TOKYO = ZoneInfo("Asia/Tokyo")
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def event(user, kind, *, at=None, ip="203.0.113.7", agent=CHROME_WINDOWS, **fields):
    return SecurityEvent.objects.create(
        user=user,
        kind=kind,
        created_at=at or dt.datetime(2026, 11, 25, 22, 15, tzinfo=TOKYO),
        ip_address=ip,
        user_agent=agent,
        **fields,
    )


def rows(response):
    return response.context["rows"]


def test_security_log_lists_the_members_own_events(member_client, insured):
    event(insured, SecurityEvent.Kind.LOGIN_SUCCEEDED)
    event(
        insured,
        SecurityEvent.Kind.LOGIN_FAILED,
        at=dt.datetime(2026, 11, 25, 22, 10, tzinfo=TOKYO),
        ip="198.51.100.2",
    )

    response = member_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="page-title">セキュリティ履歴</h1>' in html
    assert 'class="table-scroll"' in html
    for heading in ["日時", "種類", "ブラウザ/OS", "IPアドレス", "結果"]:
        assert f'<th scope="col">{heading}</th>' in html
    [succeeded, failed] = rows(response)
    assert (succeeded.at, succeeded.kind, succeeded.browser, succeeded.ip_address) == (
        "2026年11月25日 22:15",
        "ログイン成功",
        "Chrome / Windows",
        "203.0.113.7",
    )
    assert succeeded.result == "成功"
    assert (failed.at, failed.kind, failed.ip_address, failed.result) == (
        "2026年11月25日 22:10",
        "ログイン失敗",
        "198.51.100.2",
        "失敗",
    )
    assert '<td data-label="日時">2026年11月25日 22:15</td>' in html
    assert '<td data-label="ブラウザ/OS">Chrome / Windows</td>' in html


def test_security_log_never_shows_another_members_events(
    member_client, insured, dependent, other_household_member, other_union_member
):
    event(insured, SecurityEvent.Kind.LOGIN_SUCCEEDED, ip="203.0.113.1")
    event(dependent, SecurityEvent.Kind.LOGIN_SUCCEEDED, ip="203.0.113.2")
    event(other_household_member, SecurityEvent.Kind.LOGIN_FAILED, ip="203.0.113.3")
    event(other_union_member, SecurityEvent.Kind.LOGIN_FAILED, ip="203.0.113.4")
    event(None, SecurityEvent.Kind.LOGIN_FAILED, ip="203.0.113.5", detail=insured.username)

    response = member_client.get(URL)

    assert [row.ip_address for row in rows(response)] == ["203.0.113.1"]
    html = response.content.decode()
    for ip in ["203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"]:
        assert ip not in html


def test_security_log_shows_the_latest_fifty_events(member_client, insured):
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=TOKYO)
    for minute in range(55):
        event(insured, SecurityEvent.Kind.LOGIN_SUCCEEDED, at=start + dt.timedelta(minutes=minute))

    response = member_client.get(URL)

    assert len(rows(response)) == 50
    assert rows(response)[0].at == "2026年11月1日 09:54"
    assert rows(response)[-1].at == "2026年11月1日 09:05"


def test_steps_taken_by_union_staff_show_as_the_unions_without_their_address(
    member_client, insured, staff
):
    event(insured, SecurityEvent.Kind.UNLOCKED, actor=staff, ip="192.0.2.50")

    response = member_client.get(URL)

    [row] = rows(response)
    assert (row.kind, row.ip_address, row.by_union) == ("ロック解除", "", True)
    html = response.content.decode()
    assert "健保組合による操作" in html
    assert "192.0.2.50" not in html
    assert staff.username not in html


def test_security_log_without_events_says_so(member_client):
    response = member_client.get(URL)

    assert "記録はまだありません。" in response.content.decode()


def test_security_log_asks_visitors_to_sign_in(client, union):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_security_log_is_for_members_not_staff(client, staff):
    client.force_login(staff)

    assert client.get(URL).status_code == 403


def test_security_log_shows_the_members_own_sign_in_through_the_form(client, insured):
    factories.sign_in(client, insured.username, HTTP_USER_AGENT=CHROME_WINDOWS)

    response = client.get(URL)

    [row] = rows(response)
    assert (row.kind, row.browser, row.ip_address, row.result) == (
        "ログイン成功",
        "Chrome / Windows",
        "127.0.0.1",
        "成功",
    )
