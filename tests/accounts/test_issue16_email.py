"""Issue 16: e-mail addresses unique per union, the e-mail form limited per account, and the
security mails (password changed, e-mail changed to the old address)."""

import time

from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.accounts.helpers import (
    FORGOT_ID_URL,
    NEW_PASSWORD,
    TOO_MANY_TRIES,
    confirm_link,
    html,
    reauthenticate,
    reset_password,
)

# --- E-mail addresses are unique per union ------------------------------------------------------


EMAIL_TAKEN = (
    "他のアカウントで設定されているメールアドレスです。別のメールアドレスを入力してください。"
)


def test_an_address_of_another_union_is_not_revealed_and_can_be_used(
    member_client, insured, other_union_member, django_capture_on_commit_callbacks
):
    reauthenticate(member_client)

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            "/accounts/profile/email/", {"email": other_union_member.email}
        )

    assert response.status_code == 302
    assert EMAIL_TAKEN not in html(member_client.get("/accounts/profile/"))
    link = confirm_link(mail.outbox[-1])
    member_client.get(link)
    insured.refresh_from_db()
    assert insured.email == other_union_member.email
    assert EmailAddress.objects.filter(email=insured.email, verified=True).count() == 2


def test_an_address_of_another_account_of_the_same_union_is_refused_with_the_manuals_message(
    member_client, insured, other_household_member
):
    reauthenticate(member_client)

    response = member_client.post(
        "/accounts/profile/email/", {"email": other_household_member.email.upper()}
    )

    assert response.status_code == 200
    assert EMAIL_TAKEN in html(response)


def test_a_link_opened_after_the_address_was_taken_in_the_union_does_not_adopt_it(
    member_client, insured, other_household_member, django_capture_on_commit_callbacks
):
    reauthenticate(member_client)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/accounts/profile/email/", {"email": "shared@example.jp"})
    link = confirm_link(mail.outbox[-1])
    User.objects.filter(pk=other_household_member.pk).update(email="shared@example.jp")

    member_client.get(link)

    insured.refresh_from_db()
    assert insured.email == "yamada_taro@example.jp"


def test_forgotten_user_id_considers_only_this_unions_accounts(
    client, insured, other_union_member, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=other_union_member.pk).update(email=insured.email)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORGOT_ID_URL, {"birth_date": "19790822", "email": insured.email})

    assert [message.body.count(insured.username) > 0 for message in mail.outbox] == [True]
    assert other_union_member.username not in mail.outbox[0].body


def test_the_email_change_form_is_limited_per_account_per_day(member_client, settings, monkeypatch):
    settings.MFA_REAUTHENTICATION_SECONDS = 24 * 3600
    reauthenticate(member_client)
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])

    for _ in range(20):
        clock[0] += 61  # within the per-minute limit
        response = member_client.post("/accounts/profile/email/", {"email": "not-an-address"})
        assert TOO_MANY_TRIES not in html(response)
    clock[0] += 61
    response = member_client.post("/accounts/profile/email/", {"email": "not-an-address"})

    assert TOO_MANY_TRIES in html(response)


# --- Security mails ---------------------------------------------------------------------------


def test_changing_the_password_mails_the_member(
    member_client, insured, django_capture_on_commit_callbacks
):
    reauthenticate(member_client)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            "/accounts/login-methods/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    [message] = mail.outbox
    assert message.to == [insured.email]
    assert message.subject == "【KOSMOWeb】パスワードが変更されました"
    assert "山田 太郎 様" in message.body
    assert "KOSMO Webのパスワードが変更されました。" in message.body
    assert "IPアドレス: 127.0.0.1" in message.body
    assert "http://testserver/accounts/password/reset/" in message.body
    assert "コスモ健康保険組合 電話 03-0000-0000" in message.body
    assert "パスワードが変更されました" in message.alternatives[0][0]


def test_a_completed_reset_mails_the_member(client, insured, django_capture_on_commit_callbacks):
    reset_password(client, insured.username, django_capture_on_commit_callbacks)

    assert [message.subject for message in mail.outbox] == [
        "【KOSMOWeb】パスワードのリセット",
        "【KOSMOWeb】パスワードが変更されました",
    ]


def test_changing_the_email_mails_the_old_address(
    member_client, insured, django_capture_on_commit_callbacks
):
    reauthenticate(member_client)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/accounts/profile/email/", {"email": "taro2@example.jp"})
    link = confirm_link(mail.outbox[-1])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        member_client.get(link)

    [message] = mail.outbox
    assert message.to == ["yamada_taro@example.jp"]
    assert message.subject == "【KOSMOWeb】メールアドレスが変更されました"
    assert "新しいメールアドレス: ta***@example.jp" in message.body
    assert "taro2@example.jp" not in message.body
    assert "すぐにご加入の健保組合までお問い合わせください。" in message.body
