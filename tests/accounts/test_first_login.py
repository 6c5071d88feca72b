"""ACC-2 first login, ACC-12 terms, ACC-3/4/5 messages, ACC-7 … ACC-9."""

import re

import pyotp
import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from accounts.models import SecurityEvent, TermsConsent, TermsVersion, User
from tests import factories

EMAIL_MESSAGES = {
    "required": "メールアドレスを入力してください。",
    "taken": (
        "他のアカウントで設定されているメールアドレスです。別のメールアドレスを入力してください。"
    ),
    "invalid": "無効なメールアドレスです。入力したメールアドレスに誤りがないかご確認ください。",
    "too_long": "設定可能なメールアドレスの最大文字数は255文字です。",
}


@pytest.fixture
def terms(union):
    return TermsVersion.objects.create(
        union=union, version="1.0", body="第1条 テスト", published_at=timezone.now()
    )


@pytest.fixture
def issued(household):
    return factories.IssuedUserFactory(
        username="k000000123", person__household=household, email="taro@example.jp"
    )


@pytest.fixture
def issued_client(client, issued):
    client.force_login(issued)
    return client


def _html(response):
    return response.content.decode()


def test_pending_steps_guard_every_portal_page(issued_client):
    for path in ["/", "/accounts/profile/", "/accounts/first-login/password/"]:
        response = issued_client.get(path)
        assert response.status_code == 302
        assert response.url == "/accounts/first-login/identity/"


def test_logout_stays_reachable_during_first_login(issued_client):
    assert issued_client.get("/accounts/logout/").status_code == 200


def test_wrong_birth_date_is_refused_and_kept(issued_client):
    response = issued_client.post("/accounts/first-login/identity/", {"birth_date": "19790823"})

    assert "生年月日が一致しません。ご登録の生年月日を入力してください。" in _html(response)
    assert 'value="19790823"' in _html(response)


@pytest.mark.parametrize("typed", ["19790822", "1979/08/22", "１９７９０８２２", " 1979-8-22 "])
def test_birth_date_accepts_the_forms_members_type(issued_client, issued, typed):
    response = issued_client.post("/accounts/first-login/identity/", {"birth_date": typed})

    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.identity_verified_at is not None


def test_unparseable_birth_date_says_how_to_type_it(issued_client):
    response = issued_client.post("/accounts/first-login/identity/", {"birth_date": "1979/13/40"})

    assert "生年月日を正しく入力してください。(入力例:19790822)" in _html(response)


def test_terms_must_be_accepted_and_consent_is_recorded(issued_client, issued, terms):
    issued_client.post("/accounts/first-login/identity/", {"birth_date": "19790822"})

    page = issued_client.get("/")
    assert page.url == "/accounts/terms/"
    response = issued_client.post("/accounts/terms/", {"terms": terms.pk})
    again = issued_client.post("/accounts/terms/", {"terms": terms.pk})

    assert response.url == "/accounts/first-login/email/"
    assert again.status_code in (200, 302)
    assert TermsConsent.objects.filter(user=issued, terms=terms).count() == 1


def _through_identity_and_terms(client, terms=None):
    client.post("/accounts/first-login/identity/", {"birth_date": "19790822"})
    if terms:
        client.post("/accounts/terms/", {"terms": terms.pk})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", ["required"]),
        ("taken@example.jp", ["taken"]),
        ("taro?@example.jp", ["invalid"]),
        ("taro.@example.jp", ["invalid"]),
        ("a" * 250 + "@example.jp", ["invalid", "too_long"]),
    ],
)
def test_email_rules_show_the_manuals_messages(issued_client, union, typed, expected):
    # Taken by another account of the same union (another union's is not revealed).
    factories.UserFactory(
        username="someone_else",
        email="taken@example.jp",
        person__household=factories.HouseholdFactory(union=union),
    )
    _through_identity_and_terms(issued_client)

    html = _html(issued_client.post("/accounts/first-login/email/", {"email": typed}))

    assert _field_errors(html) == [EMAIL_MESSAGES[key] for key in expected]
    assert f'value="{typed}"' in html or typed == ""


def _field_errors(html):
    """The messages shown beside the fields (the summary at the top repeats them)."""
    lists = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S)
    return [item for block in lists for item in re.findall(r"<li>(.*?)</li>", block)]


def _confirm_link(message):
    return re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def test_whole_first_login_in_order(client, issued, terms, django_capture_on_commit_callbacks):
    client.force_login(issued)
    _through_identity_and_terms(client, terms)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/first-login/email/", {"email": "ＴＡＲＯ.new@Example.JP"})
    waiting = client.get("/accounts/first-login/email/")
    [message] = mail.outbox
    confirmed = client.get(_confirm_link(message))
    next_step = client.get("/")
    chosen = client.post(
        "/accounts/first-login/user-id/", {"user_id": "Yamada-Taro1", "mfa_method": "totp"}
    )
    finished = client.post(
        "/accounts/first-login/password/",
        {"password1": "New-pass-2026", "password2": "New-pass-2026"},
    )

    assert sent.url == "/accounts/first-login/email/"
    assert "TARO.new@example.jp に確認メールを送信しました。" in _html(waiting)
    assert message.subject == "【KOSMOWeb】メールアドレスの確認"
    assert "メールアドレスの確認</a>" in message.alternatives[0][0]
    assert confirmed.url == "/accounts/email/verified/"
    assert next_step.url == "/accounts/first-login/user-id/"
    assert chosen.url == "/accounts/first-login/password/"
    # The last step (added by the mfa app) sets up the 認証方法 chosen above.
    assert finished.url == "/mfa/setup/"
    setup = client.get(client.get(finished.url).url)
    assert setup.status_code == 200, (setup.status_code, getattr(setup, "url", ""))
    key = re.search(r'data-testid="totp-key">([A-Z2-7]+)<', _html(setup)).group(1)
    done = client.post("/mfa/setup/totp/", {"code": pyotp.TOTP(key).now(), "name": "iPhone"})
    assert done.url == "/mfa/backup/"
    backup = client.get(done.url)
    assert "初回ログインの設定が完了しました。" in _html(backup)
    issued.refresh_from_db()
    assert issued.username == "yamada-taro1"
    assert issued.email == "TARO.new@example.jp"
    assert issued.mfa_method == "totp"
    assert not issued.is_temporary_id and not issued.must_change_password
    assert issued.check_password("New-pass-2026")
    assert client.get("/").status_code == 200


def test_journey_resumes_at_the_pending_step_after_logging_in_again(client, issued, terms):
    client.force_login(issued)
    _through_identity_and_terms(client, terms)
    client.logout()

    factories.sign_in(client, issued.username)

    assert client.get("/").url == "/accounts/first-login/email/"


def test_a_later_step_cannot_be_skipped_to(issued_client):
    response = issued_client.get("/accounts/first-login/password/")

    assert response.url == "/accounts/first-login/identity/"


@pytest.mark.parametrize(
    ("user_id", "message"),
    [
        ("abcdefg", "ユーザIDは8文字以上、13文字以内で入力してください。"),
        ("abcdefghijklmn", "ユーザIDは8文字以上、13文字以内で入力してください。"),
        ("", "ユーザIDを入力してください。"),
        ("sato_ken", "このユーザIDは既に使用されています。別のユーザIDを入力してください。"),
    ],
)
def test_user_id_rules(issued_client, issued, other_household_member, user_id, message):
    issued.identity_verified_at = timezone.now()
    issued.save()
    EmailAddress.objects.create(user=issued, email=issued.email, verified=True, primary=True)

    html = _html(
        issued_client.post(
            "/accounts/first-login/user-id/", {"user_id": user_id, "mfa_method": "email"}
        )
    )

    assert message in html


@pytest.mark.parametrize("user_id", ["abcdefgh", "abcdefghijklm", "ABCD-EFG_H.I@"])
def test_user_id_lengths_eight_and_thirteen_are_accepted(issued_client, issued, user_id):
    issued.identity_verified_at = timezone.now()
    issued.save()
    EmailAddress.objects.create(user=issued, email=issued.email, verified=True, primary=True)

    response = issued_client.post(
        "/accounts/first-login/user-id/", {"user_id": user_id, "mfa_method": "email"}
    )

    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.username == user_id.lower()


FORBIDDEN = list("<>&\"'$%!#?§,;:*~/\\|^=[]{}()`") + [" ", "\t"]


@pytest.mark.parametrize("char", FORBIDDEN)
def test_each_forbidden_character_is_refused(issued_client, issued, char):
    issued.identity_verified_at = timezone.now()
    issued.save()
    EmailAddress.objects.create(user=issued, email=issued.email, verified=True, primary=True)

    response = issued_client.post(
        "/accounts/first-login/user-id/", {"user_id": f"abcd{char}efgh", "mfa_method": "email"}
    )

    assert response.status_code == 200
    assert "ユーザIDに利用できない文字が含まれています" in _html(response)


def _at_password_step(issued):
    issued.identity_verified_at = issued.user_id_chosen_at = timezone.now()
    issued.mfa_method = "email"
    issued.save()
    EmailAddress.objects.create(user=issued, email=issued.email, verified=True, primary=True)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Abc-123", "パスワードは8文字以上で入力してください。"),
        ("A" * 65, "パスワードは64文字以内で入力してください。"),
        ("k000000123", "ユーザIDと同じパスワードは設定できません。"),
        (
            "パスワード12345",
            "パスワードに利用できない文字が含まれています。半角英数字と記号で入力してください。",
        ),
        (
            factories.PASSWORD,
            "現在ご使用中のパスワードには更新できません。別のパスワードを入力してください。",
        ),
    ],
)
def test_password_rules(issued_client, issued, password, message):
    _at_password_step(issued)

    html = _html(
        issued_client.post(
            "/accounts/first-login/password/", {"password1": password, "password2": password}
        )
    )

    assert message in html


@pytest.mark.parametrize("length", [8, 64])
def test_password_lengths_eight_and_sixty_four_are_accepted(issued_client, issued, length):
    _at_password_step(issued)
    password = ("Ab1-" * 20)[:length]

    response = issued_client.post(
        "/accounts/first-login/password/", {"password1": password, "password2": password}
    )

    assert response.status_code == 302


def test_password_confirmation_must_match(issued_client, issued):
    _at_password_step(issued)

    html = _html(
        issued_client.post(
            "/accounts/first-login/password/",
            {"password1": "New-pass-2026", "password2": "New-pass-2027"},
        )
    )

    assert "「パスワード」と「パスワード確認用」が一致しません。" in html


def test_union_can_tighten_the_password_policy(issued_client, issued, union):
    union.password_min_length = 12
    union.password_min_character_classes = 3
    union.save()
    _at_password_step(issued)

    html = _html(
        issued_client.post(
            "/accounts/first-login/password/",
            {"password1": "newpassword", "password2": "newpassword"},
        )
    )

    assert "パスワードは12文字以上で入力してください。" in html
    assert "パスワードには英大文字・英小文字・数字・記号のうち3種類以上を含めてください。" in html


def test_new_terms_version_is_shown_at_the_next_login(client, insured, union, terms):
    TermsConsent.objects.create(user=insured, terms=terms)
    factories.sign_in(client, "yamada_taro")
    assert client.get("/").status_code == 200

    newer = TermsVersion.objects.create(
        union=union, version="2.0", body="第1条 改定", published_at=timezone.now()
    )
    assert client.get("/").url == "/accounts/terms/"  # at once, in this open session too
    client.post("/accounts/logout/")
    factories.sign_in(client, "yamada_taro")

    assert client.get("/").url == "/accounts/terms/"
    assert "第1条 改定" in _html(client.get("/accounts/terms/"))
    client.post("/accounts/terms/", {"terms": newer.pk})
    assert client.get("/").status_code == 200
    assert list(insured.terms_consents.values_list("terms__version", flat=True).order_by("pk")) == [
        "1.0",
        "2.0",
    ]


def test_accepting_a_version_that_is_no_longer_current_is_refused(client, insured, union, terms):
    client.force_login(insured)
    TermsVersion.objects.create(union=union, version="2.0", body="新", published_at=timezone.now())

    html = _html(client.post("/accounts/terms/", {"terms": terms.pk}))

    assert "利用規約が更新されました。最新の利用規約をお読みのうえ、同意してください。" in html
    assert not TermsConsent.objects.filter(user=insured).exists()


def test_logout_asks_for_confirmation(member_client):
    page = member_client.get("/accounts/logout/")
    response = member_client.post("/accounts/logout/")

    assert "ログアウトしてもよろしいですか？" in _html(page)
    assert "ログアウトする" in _html(page)
    assert response.url == "/"
    assert ">ログイン</a>" in _html(member_client.get("/"))


def test_wrong_id_or_password_share_one_message(client, insured):
    wrong_password = client.post(
        "/accounts/login/", {"login": "yamada_taro", "password": "nope-nope"}
    )
    unknown_user = client.post(
        "/accounts/login/", {"login": "nobody_here", "password": "nope-nope"}
    )

    for response in (wrong_password, unknown_user):
        assert "無効なユーザIDまたはパスワードです。" in _html(response)


def test_login_page_matches_the_manual(client, union):
    html = _html(client.get("/accounts/login/"))

    for text in [
        "ユーザID",
        "パスワード",
        "ログイン状態の保存",
        "パスワードを忘れた方はこちら",
        "ユーザIDを忘れた方はこちら",
        "ポータルに戻る",
    ]:
        assert text in html


def test_remember_me_keeps_the_session_after_the_browser_closes(client, insured):
    factories.sign_in(client, "yamada_taro", remember=True)

    assert not client.session.get_expire_at_browser_close()


def test_without_remember_me_the_session_ends_with_the_browser(client, insured):
    factories.sign_in(client, "yamada_taro")

    assert client.session.get_expire_at_browser_close()


def test_idle_session_is_signed_out_after_the_unions_timeout(client, insured, union):
    factories.sign_in(client, "yamada_taro")
    session = client.session
    session["kosmo_last_activity"] = timezone.now().timestamp() - 31 * 60
    session.save()

    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "一定時間操作がなかったため、ログアウトしました。" in _html(client.get(response.url))


def test_page_carries_the_idle_timeout_for_the_warning(client, insured):
    factories.sign_in(client, "yamada_taro")

    html = _html(client.get("/"))

    assert '<meta name="kosmo-idle-timeout" content="1800"' in html


def test_profile_shows_the_manuals_fields(member_client):
    html = _html(member_client.get("/accounts/profile/"))

    for text in [
        "言語",
        "ユーザID",
        "メールアドレス",
        "Eメール変更",
        "ユーザー名",
        "山田 太郎",
        "仮IDフラグ",
        "認証方法",
        "変更",
        "戻る",
        "ポータルに戻る",
        "利用不可文字一覧を見る",
    ]:
        assert text in html


def test_profile_changes_the_user_id_in_lower_case(member_client, insured):
    _reauthenticate(member_client)
    response = member_client.post(
        "/accounts/profile/", {"language": "ja", "user_id": "Taro_Yamada", "mfa_method": "totp"}
    )

    assert response.status_code == 302
    insured.refresh_from_db()
    assert insured.username == "taro_yamada"
    assert SecurityEvent.objects.filter(user=insured, kind="user_id_changed").exists()


def test_email_change_requires_reauthentication(member_client):
    response = member_client.get("/accounts/profile/email/")

    assert response.status_code == 302
    assert response.url.startswith("/mfa/reauthenticate/")
    page = member_client.get(response.url)
    assert "続行するには再度認証してください" in _html(page)


def _reauthenticate(client):
    """Password, then the persona's e-mail code (MFA-9)."""
    client.post("/mfa/reauthenticate/", {"password": factories.PASSWORD})
    device = EmailDevice.objects.get(user__username="yamada_taro")
    device.generate_token(valid_secs=300)
    client.post("/mfa/reauthenticate/factor/", {"method": "email", "code": device.token})


def test_email_change_verifies_the_new_address_before_using_it(
    member_client, insured, django_capture_on_commit_callbacks
):
    _reauthenticate(member_client)
    form = member_client.get("/accounts/profile/email/")
    assert 'value="yamada_taro@example.jp"' in _html(form)

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/accounts/profile/email/", {"email": "taro2@example.jp"})
    insured.refresh_from_db()
    assert insured.email == "yamada_taro@example.jp"  # not before the link is opened

    member_client.get(_confirm_link(mail.outbox[-1]))
    insured.refresh_from_db()
    assert insured.email == "taro2@example.jp"
    assert "taro2@example.jp" in _html(member_client.get("/accounts/profile/"))


def test_sign_out_everywhere_ends_the_other_sessions(
    client, insured, django_capture_on_commit_callbacks
):
    from django.test import Client

    phone = Client()
    factories.sign_in(phone, "yamada_taro")
    factories.sign_in(client, "yamada_taro")
    _reauthenticate(client)
    assert phone.get("/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/profile/email/", {"email": "taro3@example.jp", "sign_out_others": "on"}
        )

    assert client.get("/").status_code == 200
    assert "山田 太郎" in _html(client.get("/"))
    assert ">ログイン</a>" in _html(phone.get("/"))


def test_password_change_shows_the_new_creation_date(member_client, insured):
    _reauthenticate(member_client)

    response = member_client.post(
        "/accounts/login-methods/password/",
        {"password1": "Brand-new-2026", "password2": "Brand-new-2026"},
    )
    page = member_client.get("/accounts/login-methods/")

    assert response.url == "/accounts/login-methods/"
    insured.refresh_from_db()
    assert insured.check_password("Brand-new-2026")
    created = timezone.localtime(insured.password_changed_at)
    assert f"作成日 {created:%Y}年{created.month}月{created.day}日 {created:%H:%M}" in _html(page)


def test_password_change_without_sign_out_keeps_other_sessions(client, insured):
    from django.test import Client

    phone = Client()
    factories.sign_in(phone, "yamada_taro")
    factories.sign_in(client, "yamada_taro")
    _reauthenticate(client)

    client.post(
        "/accounts/login-methods/password/",
        {"password1": "Brand-new-2026", "password2": "Brand-new-2026"},
    )

    assert "山田 太郎" in _html(phone.get("/"))


def test_password_change_with_sign_out_ends_other_sessions(client, insured):
    from django.test import Client

    phone = Client()
    factories.sign_in(phone, "yamada_taro")
    factories.sign_in(client, "yamada_taro")
    _reauthenticate(client)

    client.post(
        "/accounts/login-methods/password/",
        {"password1": "Brand-new-2026", "password2": "Brand-new-2026", "sign_out_others": "on"},
    )

    assert ">ログイン</a>" in _html(phone.get("/"))
    assert "山田 太郎" in _html(client.get("/"))


def test_user_id_is_case_insensitive_at_login(client, insured):
    response = factories.sign_in(client, " ＹＡＭＡＤＡ_taro ")

    assert response.status_code == 302
    assert User.objects.get(pk=client.session["_auth_user_id"]) == insured


def test_mail_comes_from_the_unions_sender(
    issued_client, union, django_capture_on_commit_callbacks
):
    union.mail_from = "コスモ健康保険組合 <no-reply@kosmo.example.jp>"
    union.save()
    _through_identity_and_terms(issued_client)

    with django_capture_on_commit_callbacks(execute=True):
        issued_client.post("/accounts/first-login/email/", {"email": "taro@example.jp"})

    assert mail.outbox[-1].from_email == "コスモ健康保険組合 <no-reply@kosmo.example.jp>"


def test_a_broken_verification_link_says_so_in_japanese(client, union):
    response = client.get("/accounts/confirm-email/not-a-real-key/")

    assert "このリンクは無効か、有効期限が切れています。" in _html(response)


def test_resending_the_verification_mail_is_rate_limited(
    issued_client, django_capture_on_commit_callbacks
):
    _through_identity_and_terms(issued_client)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(12):
            last = issued_client.post("/accounts/first-login/email/", {"email": "taro@example.jp"})

    assert "短時間に操作が繰り返されました。" in _html(last)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/accounts/password/change/", "/accounts/login-methods/password/"),
        ("/accounts/password/set/", "/accounts/login-methods/password/"),
        ("/accounts/email/", "/accounts/profile/email/"),
        ("/accounts/reauthenticate/?next=/x/", "/mfa/reauthenticate/?next=/x/"),
        ("/accounts/signup/", "/accounts/login/"),
    ],
)
def test_allauths_own_management_pages_lead_to_ours(member_client, path, target):
    assert member_client.get(path).url == target
