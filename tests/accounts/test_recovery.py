"""ACC-10 「パスワードを忘れた場合」 and ACC-11 「ユーザIDを忘れた場合」 (manual §3-3, §3-4)."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityEvent
from tests import factories
from tests.factories import PASSWORD

RESET_URL = "/accounts/password/reset/"
FORGOT_ID_URL = "/accounts/forgot-user-id/"
LOGIN_URL = "/accounts/login/"
NEW_PASSWORD = "Brand-new-2026"

RESET_MAIL_SENT = "詳細な手順を記載したメールをすぐに受信してください。"
RATE_LIMITED = "短時間に操作が繰り返されました。しばらく時間をおいてから、もう一度お試しください。"
LINK_INVALID = "パスワードリセットのリンクが無効です"
ID_MAIL_SENT = "以下のメールアドレスにメールを送信しました。"
ID_MAIL_LOGIN = "メールに記載されているユーザIDでログインしてください。"
BIRTH_DATE_INVALID = "生年月日を正しく入力してください。(入力例:19790822)"


def _request_reset(client, user_id, *, capture, follow=False):
    with capture(execute=True):
        return client.post(RESET_URL, {"user_id": user_id, "next": LOGIN_URL}, follow=follow)


def _reset_link(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)[1]


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


# --- ACC-10 パスワードを忘れた場合 ---------------------------------------------------------------


def test_forgot_password_page_shows_the_manual_wording(client, union):
    response = client.get(RESET_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert "パスワードを忘れた方はこちら" in html
    assert '<label for="id_user_id">ユーザID</label>' in html
    assert "ユーザIDを入力してください。新しいパスワードの設定方法をご案内いたします。" in html
    assert ">実行</button>" in html
    assert f'<a href="{LOGIN_URL}">戻る</a>' in html


def test_reset_request_mails_a_link_and_shows_the_login_page(client, insured, capture, mailoutbox):
    response = _request_reset(client, "yamada_taro", capture=capture, follow=True)

    assert response.redirect_chain == [(LOGIN_URL, 302)]
    assert _messages(response) == [RESET_MAIL_SENT]
    [message] = mailoutbox
    assert message.to == ["yamada_taro@example.jp"]
    assert message.subject == "【KOSMOWeb】パスワードのリセット"
    assert "有効時間は5分です" in message.body
    html = message.alternatives[0][0]
    assert f'<a href="http://testserver{_reset_link(message)}"' in html
    assert ">パスワードをリセット</a>" in html


def test_user_id_is_normalised_before_the_lookup(client, insured, capture, mailoutbox):
    _request_reset(client, "　ＹＡＭＡＤＡ_ＴＡＲＯ ", capture=capture)

    assert [message.to for message in mailoutbox] == [["yamada_taro@example.jp"]]


def test_reset_link_lets_the_member_choose_a_new_password(client, insured, capture, mailoutbox):
    _request_reset(client, "yamada_taro", capture=capture)
    link = _reset_link(mailoutbox[0])

    form_page = client.get(link, follow=True)
    html = form_page.content.decode()
    assert form_page.status_code == 200
    assert '<label for="id_password1">パスワード</label>' in html
    assert '<label for="id_password2">パスワード確認用</label>' in html
    assert ">実行</button>" in html

    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert done.redirect_chain[-1][0] == reverse("account_reset_password_from_key_done")
    html = done.content.decode()
    assert "パスワードの変更が完了しました。新しいパスワードでログインしてください。" in html
    assert f'href="{LOGIN_URL}">ログイン</a>' in html
    insured.refresh_from_db()
    assert insured.check_password(NEW_PASSWORD)
    assert insured.password_changed_at is not None
    assert insured.security_events.filter(kind=SecurityEvent.Kind.PASSWORD_RESET).exists()


def test_password_reset_signs_out_every_session(client, insured, capture, mailoutbox):
    elsewhere = Client()
    elsewhere.force_login(insured)
    _request_reset(client, "yamada_taro", capture=capture)
    form_page = client.get(_reset_link(mailoutbox[0]), follow=True)

    client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert not elsewhere.get("/").wsgi_request.user.is_authenticated
    assert insured.security_events.filter(kind=SecurityEvent.Kind.SIGNED_OUT_EVERYWHERE).exists()


def _clock_after(seconds: int):
    later = dt.datetime.now() + dt.timedelta(seconds=seconds)
    return mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later)


def test_reset_link_still_works_just_before_five_minutes(client, insured, capture, mailoutbox):
    _request_reset(client, "yamada_taro", capture=capture)

    with _clock_after(290):
        response = client.get(_reset_link(mailoutbox[0]), follow=True)

    assert LINK_INVALID not in response.content.decode()
    assert "password1" in response.context["form"].fields


def test_reset_link_expires_after_five_minutes(client, insured, capture, mailoutbox):
    _request_reset(client, "yamada_taro", capture=capture)

    with _clock_after(301):
        response = client.get(_reset_link(mailoutbox[0]), follow=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert LINK_INVALID in html
    assert "有効期限(5分)が切れたか、すでに使用されているため、ご利用いただけません。" in html
    assert f'href="{RESET_URL}">パスワードを忘れた方はこちら</a>' in html
    insured.refresh_from_db()
    assert insured.check_password(PASSWORD)


def test_reset_link_works_only_once(client, insured, capture, mailoutbox):
    _request_reset(client, "yamada_taro", capture=capture)
    link = _reset_link(mailoutbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    again = client.get(link, follow=True)
    resubmit = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "Another-pw-99", "password2": "Another-pw-99"},
    )

    assert LINK_INVALID in again.content.decode()
    assert LINK_INVALID in resubmit.content.decode()
    insured.refresh_from_db()
    assert insured.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password1", "password2", "field", "message"),
    [
        ("Abc-123", "Abc-123", "password1", "パスワードは8文字以上で入力してください。"),
        ("yamada_taro", "yamada_taro", "password1", "ユーザIDと同じパスワードは設定できません。"),
        ("YAMADA_TARO", "YAMADA_TARO", "password1", "ユーザIDと同じパスワードは設定できません。"),
        (
            NEW_PASSWORD,
            "Brand-new-2027",
            "password2",
            "「パスワード」と「パスワード確認用」が一致しません。",
        ),
        (
            PASSWORD,
            PASSWORD,
            "password1",
            "現在ご使用中のパスワードには更新できません。別のパスワードを入力してください。",
        ),
    ],
)
def test_reset_page_applies_the_password_policy(
    client, insured, capture, mailoutbox, password1, password2, field, message
):
    _request_reset(client, "yamada_taro", capture=capture)
    form_page = client.get(_reset_link(mailoutbox[0]), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": password1, "password2": password2}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()
    insured.refresh_from_db()
    assert insured.check_password(PASSWORD)


def test_reset_request_gives_the_same_answer_whether_or_not_the_account_exists(
    client, union, insured, other_union_member, staff, capture, mailoutbox
):
    factories.UserFactory(
        username="no_mail_jiro", email="", person__household=factories.HouseholdFactory(union=union)
    )
    answers = []
    for user_id in ["yamada_taro", "nobody_at_all", "tanaka_ichiro", "staff_cosmo", "no_mail_jiro"]:
        response = _request_reset(client, user_id, capture=capture)
        login_page = client.get(response["Location"])
        answers.append(
            (response.status_code, response["Location"], _without_csrf(login_page.content.decode()))
        )

    assert all(answer == answers[0] for answer in answers)
    assert answers[0][:2] == (302, LOGIN_URL)
    assert RESET_MAIL_SENT in answers[0][2]
    assert [message.to for message in mailoutbox] == [["yamada_taro@example.jp"]]


def test_reset_requests_for_one_user_id_are_rate_limited_in_japanese(
    client, insured, capture, mailoutbox
):
    for _ in range(3):
        assert _request_reset(client, "yamada_taro", capture=capture).status_code == 302

    response = _request_reset(client, "Yamada_Taro", capture=capture)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [RATE_LIMITED]
    assert RATE_LIMITED in response.content.decode()
    assert len(mailoutbox) == 3


def test_reset_requests_from_one_address_are_rate_limited_in_japanese(client, union, capture):
    for number in range(10):
        assert _request_reset(client, f"someone_{number:02d}", capture=capture).status_code == 302

    response = _request_reset(client, "someone_else", capture=capture)

    assert response.status_code == 200
    assert RATE_LIMITED in response.content.decode()


def test_reset_request_without_a_user_id_asks_for_one(client, union):
    response = client.post(RESET_URL, {"user_id": "  ", "next": LOGIN_URL})

    assert response.status_code == 200
    assert response.context["form"].errors["user_id"] == ["ユーザIDを入力してください。"]


# --- ACC-11 ユーザIDを忘れた場合 ------------------------------------------------------------------


def _forgot_id(client, birth_date, email, *, capture, follow=False):
    with capture(execute=True):
        return client.post(FORGOT_ID_URL, {"birth_date": birth_date, "email": email}, follow=follow)


def test_forgot_user_id_page_shows_the_manual_wording(client, union):
    response = client.get(reverse("accounts:forgot_user_id"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "ユーザIDを忘れた方はこちら" in html
    assert '<label for="id_birth_date">生年月日 (入力例:19790822)</label>' in html
    assert '<label for="id_email">ご登録いただいたメールアドレス</label>' in html
    assert "生年月日、メールアドレスを入力してください。ユーザIDをご案内いたします。" in html
    assert ">実行</button>" in html
    assert f'<a href="{LOGIN_URL}">ログインに戻る</a>' in html


def test_forgot_user_id_mails_the_user_id(client, insured, capture, mailoutbox):
    response = _forgot_id(
        client, "19790822", "yamada_taro@example.jp", capture=capture, follow=True
    )

    assert response.redirect_chain == [(LOGIN_URL, 302)]
    assert _messages(response) == [
        ID_MAIL_SENT,
        "あなたのメールアドレス: yamada_taro@example.jp",
        ID_MAIL_LOGIN,
    ]
    [message] = mailoutbox
    assert message.to == ["yamada_taro@example.jp"]
    assert message.subject == "【KOSMOWeb】ユーザIDのご案内"
    assert "ユーザID: yamada_taro" in message.body
    assert "yamada_taro</strong>" in message.alternatives[0][0]


@pytest.mark.parametrize(
    "birth_date",
    ["19790822", "1979/08/22", "１９７９０８２２", "１９７９／０８／２２", " 1979/8/22 "],
)
def test_forgot_user_id_accepts_the_birth_date_formats(
    client, insured, capture, mailoutbox, birth_date
):
    _forgot_id(client, birth_date, "yamada_taro@example.jp", capture=capture)

    assert [message.to for message in mailoutbox] == [["yamada_taro@example.jp"]]


def test_forgot_user_id_matches_the_address_in_any_case_and_width(
    client, insured, capture, mailoutbox
):
    _forgot_id(client, "19790822", "ＹＡＭＡＤＡ_ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ", capture=capture)

    assert [message.to for message in mailoutbox] == [["yamada_taro@example.jp"]]


@pytest.mark.parametrize("birth_date", ["19790230", "19791301", "昭和54年8月22日"])
def test_invalid_birth_date_is_refused_beside_the_field_and_kept(
    client, insured, capture, mailoutbox, birth_date
):
    response = _forgot_id(client, birth_date, "yamada_taro@example.jp", capture=capture)
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == [BIRTH_DATE_INVALID]
    assert f'id="id_birth_date_error"><li>{BIRTH_DATE_INVALID}</li></ul>' in html
    assert f'value="{birth_date}"' in html
    assert mailoutbox == []


def test_forgot_user_id_requires_both_fields(client, union):
    response = client.post(FORGOT_ID_URL, {"birth_date": "", "email": ""})

    assert response.context["form"].errors == {
        "birth_date": ["生年月日を入力してください。"],
        "email": ["メールアドレスを入力してください。"],
    }


def test_wrong_birth_date_sends_nothing_but_shows_the_same_screen(
    client, insured, capture, mailoutbox
):
    answers = []
    for birth_date in ["19790822", "19800101"]:
        response = _forgot_id(client, birth_date, "yamada_taro@example.jp", capture=capture)
        login_page = client.get(response["Location"])
        answers.append(
            (response.status_code, response["Location"], _without_csrf(login_page.content.decode()))
        )

    assert answers[0] == answers[1]
    assert "あなたのメールアドレス: yamada_taro@example.jp" in answers[1][2]
    assert len(mailoutbox) == 1


def test_forgot_user_id_ignores_accounts_of_another_union(
    client, union, other_union_member, capture, mailoutbox
):
    response = _forgot_id(client, "19790822", "tanaka_ichiro@example.jp", capture=capture)

    assert response["Location"] == LOGIN_URL
    assert mailoutbox == []


def test_only_the_account_whose_birth_date_matches_gets_its_user_id(
    client, insured, dependent, capture, mailoutbox
):
    dependent.email = insured.email
    dependent.save()

    _forgot_id(client, "19810303", "yamada_taro@example.jp", capture=capture)

    [message] = mailoutbox
    assert "ユーザID: yamada_hanako" in message.body
    assert "yamada_taro" not in message.body.replace("yamada_taro@example.jp", "")


def test_forgot_user_id_is_rate_limited_in_japanese(client, insured, capture, mailoutbox):
    for _ in range(3):
        response = _forgot_id(client, "19790822", "yamada_taro@example.jp", capture=capture)
        assert response.status_code == 302

    response = _forgot_id(client, "19790822", "YAMADA_TARO@example.jp", capture=capture)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [RATE_LIMITED]
    assert RATE_LIMITED in response.content.decode()
    assert len(mailoutbox) == 3
