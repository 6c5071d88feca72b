"""生体認証 (passkeys): registration with a label, login after the password, and the checks
that keep a passkey bound to this member, this portal and this authenticator.

The authenticator is soft-webauthn's software device, with the user-verification flag set
(the portal requires it; soft-webauthn leaves it out)."""

import hashlib
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from fido2 import cbor
from soft_webauthn import SoftWebauthnDevice
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from accounts import flows as account_flows
from accounts.models import SecurityEvent
from mfa import passkeys
from mfa.models import PasskeyDevice
from tests import factories

ORIGIN = "http://testserver"
REGISTRATION_INVALID = "セキュリティキーの登録が無効です"
AUTHENTICATION_FAILED = "生体認証に失敗しました。もう一度お試しください。"
LABEL_TAKEN = "すでに登録されている名前です。別の名前を入力してください。"
FLAG_UV = 0x04


class Authenticator(SoftWebauthnDevice):
    """A phone's platform authenticator: one credential, user verified (face, fingerprint)."""

    def cred_init(self, rp_id, user_handle):
        if self.credential_id is None:  # the same authenticator keeps its credential
            super().cred_init(rp_id, user_handle)

    def create_json(self, options_json: str, origin: str = ORIGIN) -> dict:
        options = json.loads(options_json)
        public_key = {
            "challenge": base64url_to_bytes(options["challenge"]),
            "rp": options["rp"],
            "user": {**options["user"], "id": base64url_to_bytes(options["user"]["id"])},
            "pubKeyCredParams": options["pubKeyCredParams"],
            "attestation": options.get("attestation"),
        }
        excluded = {entry["id"] for entry in options.get("excludeCredentials", [])}
        if self.credential_id is not None and bytes_to_base64url(self.credential_id) in excluded:
            raise AssertionError("a browser refuses to register an excluded credential")
        credential = self.create({"publicKey": public_key}, origin)
        attestation = cbor.decode(credential["response"]["attestationObject"])
        auth_data = bytearray(attestation["authData"])
        auth_data[32] |= FLAG_UV
        attestation["authData"] = bytes(auth_data)
        raw_id = bytes_to_base64url(credential["rawId"])
        return {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(credential["response"]["clientDataJSON"]),
                "attestationObject": bytes_to_base64url(cbor.encode(attestation)),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
        }

    def get_json(self, options_json: str, origin: str = ORIGIN, *, rp_id: str | None = None):
        """An assertion; `rp_id` signs for another site (a phishing page's RP ID)."""
        options = json.loads(options_json)
        self.sign_count += 1
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": options["challenge"], "origin": origin}
        ).encode()
        auth_data = (
            hashlib.sha256((rp_id or self.rp_id).encode()).digest()
            + bytes([0x01 | FLAG_UV])
            + self.sign_count.to_bytes(4, "big")
        )
        signature = self.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        raw_id = bytes_to_base64url(self.credential_id)
        return {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
                "userHandle": bytes_to_base64url(self.user_handle),
            },
            "clientExtensionResults": {},
        }


def _reauthenticated(client):
    session = client.session
    session[account_flows.REAUTHENTICATED_AT] = time.time()
    session.save()


def _register(client, authenticator, *, label="iPhone", sign_out_others=False):
    """「登録」 → the browser's ceremony → 「認証ラベルの登録」 → 「OK」."""
    options = client.post(reverse("mfa:passkey_register_options"))
    assert options.status_code == 200, options.content
    credential = authenticator.create_json(options.content.decode())
    answer = client.post(
        reverse("mfa:passkey_register"),
        {"credential": credential, "sign_out_others": sign_out_others},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"ok": True, "next": reverse("mfa:passkey_label")}
    return client.post(reverse("mfa:passkey_label"), {"label": label})


@pytest.fixture
def passkey_client(member_client):
    """The insured member (who has e-mail codes), re-authenticated a moment ago."""
    _reauthenticated(member_client)
    return member_client


@pytest.fixture
def registered(passkey_client, insured):
    """The insured member has a passkey 「iPhone」; returns its authenticator."""
    authenticator = Authenticator()
    response = _register(passkey_client, authenticator)
    assert response.status_code == 302
    return authenticator


def _sign_in_with_password(client, user):
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa:authenticate")
    return response


# --- Registration -----------------------------------------------------------------------------


def test_setup_page_offers_registration_and_the_other_methods_without_javascript(passkey_client):
    response = passkey_client.get(reverse("mfa:passkey_setup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "セキュリティの設定" in html
    assert "全てのデバイスからサインアウトする" in html
    assert ">登録</button>" in html
    assert "お使いのブラウザでは生体認証 (パスキー) を登録できません。" in html
    assert reverse("mfa:setup_method", args=["totp"]) in html
    assert reverse("mfa:setup_method", args=["email"]) not in html  # already set up
    assert 'js/passkeys.js"' in html
    assert "<script>" not in html  # CSP: no inline script


def test_registration_options_name_the_union_and_member_and_require_verification(
    passkey_client, insured
):
    options = json.loads(passkey_client.post(reverse("mfa:passkey_register_options")).content)
    assert options["rp"] == {"name": "コスモ健康保険組合", "id": "testserver"}
    assert options["user"]["name"] == "yamada_taro"
    assert options["user"]["displayName"] == insured.person.full_name
    assert "yamada" not in base64url_to_bytes(options["user"]["id"]).decode("latin-1")
    assert options["authenticatorSelection"] == {
        "residentKey": "preferred",
        "requireResidentKey": False,
        "userVerification": "required",
    }
    assert options["attestation"] == "none"
    assert options["excludeCredentials"] == []


def test_member_registers_a_passkey_with_a_label(passkey_client, insured):
    authenticator = Authenticator()
    response = _register(passkey_client, authenticator, label="  iPhone 15  ")

    assert response.status_code == 302
    assert response.url == reverse("accounts:login_methods")
    device = PasskeyDevice.objects.get(user=insured)
    assert device.confirmed
    assert device.name == "iPhone 15"
    assert device.credential_id == bytes_to_base64url(authenticator.credential_id)
    assert device.transports == ["internal", "hybrid"]
    assert device.sign_count == 0
    assert device.aaguid == "00000000-0000-0000-0000-000000000000"
    assert SecurityEvent.objects.filter(
        user=insured, kind=SecurityEvent.Kind.MFA_ADDED, detail="生体認証: iPhone 15"
    ).exists()


def test_label_page_starts_with_the_default_name(passkey_client):
    authenticator = Authenticator()
    options = passkey_client.post(reverse("mfa:passkey_register_options")).content.decode()
    passkey_client.post(
        reverse("mfa:passkey_register"),
        {"credential": authenticator.create_json(options)},
        content_type="application/json",
    )
    html = passkey_client.get(reverse("mfa:passkey_label")).content.decode()
    assert "認証ラベルの登録" in html
    assert 'value="パスキー"' in html
    assert ">OK</button>" in html


def test_label_must_be_unique_for_the_member(passkey_client, insured, registered):
    second = Authenticator()
    response = _register(passkey_client, second, label="iPhone")

    assert response.status_code == 200
    assert LABEL_TAKEN in response.content.decode()
    assert PasskeyDevice.objects.filter(user=insured).count() == 1
    response = passkey_client.post(reverse("mfa:passkey_label"), {"label": "iPad"})
    assert response.status_code == 302
    assert sorted(PasskeyDevice.objects.filter(user=insured).values_list("name", flat=True)) == [
        "iPad",
        "iPhone",
    ]


def test_another_member_may_use_the_same_label(passkey_client, registered, dependent, client):
    client.force_login(dependent)
    _reauthenticated(client)
    response = _register(client, Authenticator(), label="iPhone")
    assert response.status_code == 302
    assert PasskeyDevice.objects.filter(name="iPhone").count() == 2


def test_label_is_required_and_at_most_64_characters(passkey_client):
    authenticator = Authenticator()
    response = _register(passkey_client, authenticator, label="   ")
    assert "認証ラベルを入力してください。" in response.content.decode()
    response = passkey_client.post(reverse("mfa:passkey_label"), {"label": "あ" * 65})
    assert "64文字以内で入力してください。" in response.content.decode()
    response = passkey_client.post(reverse("mfa:passkey_label"), {"label": "あ" * 64})
    assert response.status_code == 302


def test_the_same_authenticator_is_excluded_and_refused_a_second_time(
    passkey_client, insured, registered
):
    options = passkey_client.post(reverse("mfa:passkey_register_options")).content.decode()
    excluded = json.loads(options)["excludeCredentials"]
    assert excluded == [
        {
            "id": bytes_to_base64url(registered.credential_id),
            "type": "public-key",
            "transports": ["internal", "hybrid"],
        }
    ]
    # A browser would refuse; a client that ignores excludeCredentials is refused by the server.
    with pytest.raises(AssertionError):
        registered.create_json(options)
    credential = registered.create_json(_without_exclusions(options))
    response = passkey_client.post(
        reverse("mfa:passkey_register"), {"credential": credential}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"ok": False, "message": REGISTRATION_INVALID}
    assert PasskeyDevice.objects.filter(user=insured).count() == 1
    assert passkey_client.get(reverse("mfa:passkey_label")).url == reverse("mfa:passkey_setup")


def _without_exclusions(options_json):
    options = json.loads(options_json)
    options["excludeCredentials"] = []
    return json.dumps(options)


def test_registration_from_another_origin_is_refused(passkey_client, insured):
    options = passkey_client.post(reverse("mfa:passkey_register_options")).content.decode()
    credential = Authenticator().create_json(options, origin="https://kosmo-web.example")
    response = passkey_client.post(
        reverse("mfa:passkey_register"), {"credential": credential}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == REGISTRATION_INVALID
    assert not PasskeyDevice.objects.filter(user=insured).exists()


def test_registration_for_another_rp_id_is_refused(passkey_client, insured):
    options = json.loads(passkey_client.post(reverse("mfa:passkey_register_options")).content)
    options["rp"]["id"] = "kosmo-web.example"
    credential = Authenticator().create_json(json.dumps(options))
    response = passkey_client.post(
        reverse("mfa:passkey_register"), {"credential": credential}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == REGISTRATION_INVALID


def test_registration_without_user_verification_is_refused(passkey_client):
    options = passkey_client.post(reverse("mfa:passkey_register_options")).content.decode()
    credential = Authenticator().create_json(options)
    attestation = cbor.decode(base64url_to_bytes(credential["response"]["attestationObject"]))
    auth_data = bytearray(attestation["authData"])
    auth_data[32] &= ~FLAG_UV
    attestation["authData"] = bytes(auth_data)
    credential["response"]["attestationObject"] = bytes_to_base64url(cbor.encode(attestation))
    response = passkey_client.post(
        reverse("mfa:passkey_register"), {"credential": credential}, content_type="application/json"
    )
    assert response.status_code == 400


def test_registration_challenge_is_used_once(passkey_client):
    options = passkey_client.post(reverse("mfa:passkey_register_options")).content.decode()
    credential = Authenticator().create_json(options)
    url = reverse("mfa:passkey_register")
    first = passkey_client.post(url, {"credential": credential}, content_type="application/json")
    replay = passkey_client.post(url, {"credential": credential}, content_type="application/json")
    assert first.status_code == 200
    assert replay.status_code == 400


def test_garbage_is_refused_with_the_manual_message(passkey_client):
    passkey_client.post(reverse("mfa:passkey_register_options"))
    url = reverse("mfa:passkey_register")
    for body in ["not json", "[]", json.dumps({"credential": {"id": "x"}})]:
        response = passkey_client.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"ok": False, "message": REGISTRATION_INVALID}


def test_sign_out_choice_is_carried_to_the_label_step(passkey_client, insured):
    salt = insured.session_salt
    response = _register(passkey_client, Authenticator(), sign_out_others=True)
    assert response.status_code == 302
    insured.refresh_from_db()
    assert insured.session_salt != salt
    assert SecurityEvent.objects.filter(
        user=insured, kind=SecurityEvent.Kind.SIGNED_OUT_EVERYWHERE
    ).exists()
    assert passkey_client.get("/").status_code == 200  # this browser stays signed in


def test_adding_a_passkey_needs_a_fresh_reauthentication(member_client):
    response = member_client.get(reverse("mfa:passkey_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa:reauthenticate"))
    response = member_client.post(reverse("mfa:passkey_register_options"))
    assert response.status_code == 403
    assert response.json()["next"].startswith(reverse("mfa:reauthenticate"))
    response = member_client.post(
        reverse("mfa:passkey_register"), {"credential": {}}, content_type="application/json"
    )
    assert response.status_code == 403


def test_first_passkey_needs_no_reauthentication_and_leads_to_the_backup_invitation(
    client, insured
):
    # The first-login journey: the password step is done, no second factor yet.
    insured.emaildevice_set.all().delete()
    client.force_login(insured)
    response = _register(client, Authenticator(), label="パスキー")
    assert response.status_code == 302
    assert response.url == reverse("mfa:backup")


def test_passkey_pages_are_for_signed_in_accounts(client, staff):
    for name in ["mfa:passkey_setup", "mfa:passkey_label"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    for name in ["mfa:passkey_register_options", "mfa:passkey_register"]:
        response = client.post(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    # Staff register passkeys too; adding to an account that has a factor asks again first.
    client.force_login(staff)
    response = client.get(reverse("mfa:passkey_setup"))
    assert response.url == "/mfa/reauthenticate/?next=%2Fmfa%2Fsetup%2Fpasskey%2F"


def test_option_endpoints_take_post_only(passkey_client):
    for name in ["mfa:passkey_register_options", "mfa:passkey_authenticate_options"]:
        assert passkey_client.get(reverse(name)).status_code == 405


# --- Login with a passkey (after the password, allauth's login stage) ------------------------


def test_member_logs_in_with_password_and_passkey(client, insured, registered):
    _sign_in_with_password(client, insured)
    page = client.get(reverse("mfa:authenticate") + "?method=passkey")
    assert "次へ" in page.content.decode()

    options = client.post(reverse("mfa:passkey_authenticate_options"))
    assert options.status_code == 200
    parsed = json.loads(options.content)
    assert parsed["rpId"] == "testserver"
    assert parsed["userVerification"] == "required"
    assert [c["id"] for c in parsed["allowCredentials"]] == [
        bytes_to_base64url(registered.credential_id)
    ]
    credential = registered.get_json(options.content.decode())
    response = client.post(
        reverse("mfa:authenticate"),
        {"method": "passkey", "passkey_credential": json.dumps(credential)},
    )

    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == insured
    device = PasskeyDevice.objects.get(user=insured)
    assert device.sign_count == 1
    assert device.last_used_at is not None


def test_the_passkey_step_is_headed_biometrics_not_one_time_password(client, insured, registered):
    _sign_in_with_password(client, insured)

    html = client.get(reverse("mfa:authenticate") + "?method=passkey").content.decode()

    assert '<h1 class="page-title">生体認証</h1>' in html
    assert "<title>生体認証 |" in html
    assert "ワンタイムパスワードの入力" not in html


def test_a_failed_passkey_login_shows_the_message_and_is_recorded(client, insured, registered):
    _sign_in_with_password(client, insured)
    options = client.post(reverse("mfa:passkey_authenticate_options")).content.decode()
    credential = registered.get_json(options, origin="https://kosmo-web.example")
    response = client.post(
        reverse("mfa:authenticate"),
        {"method": "passkey", "passkey_credential": json.dumps(credential)},
    )
    assert response.status_code == 200
    assert AUTHENTICATION_FAILED in response.content.decode()
    assert SecurityEvent.objects.filter(
        user=insured, kind=SecurityEvent.Kind.MFA_FAILED, detail="passkey"
    ).exists()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_authentication_options_need_a_pending_login_or_a_signed_in_member(client, union):
    response = client.post(reverse("mfa:passkey_authenticate_options"))
    assert response.status_code == 400
    assert response.json() == {"ok": False, "message": AUTHENTICATION_FAILED}


def test_signed_in_member_gets_options_to_reauthenticate_with_a_passkey(passkey_client, registered):
    response = passkey_client.post(reverse("mfa:passkey_authenticate_options"))
    assert response.status_code == 200
    assert json.loads(response.content)["allowCredentials"][0]["id"] == bytes_to_base64url(
        registered.credential_id
    )


def test_member_without_passkey_gets_no_authentication_options(member_client):
    assert member_client.post(reverse("mfa:passkey_authenticate_options")).status_code == 400


def test_authentication_include_posts_the_credential_to_the_page_itself(rf, union):
    request = rf.get("/mfa/authenticate/")
    request.user, request.union, request.member = AnonymousUser(), union, None
    html = render_to_string(
        "mfa/_passkey_authenticate.html", {"next": "/medical/"}, request=request
    )
    assert 'action=""' in html
    assert 'name="passkey_credential"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="next" value="/medical/">' in html
    assert f'data-options-url="{reverse("mfa:passkey_authenticate_options")}"' in html
    assert ">次へ</button>" in html
    assert AUTHENTICATION_FAILED in html  # shown by passkeys.js when the ceremony fails
    assert "<script>" not in html


# --- verify_authentication: what is refused ----------------------------------------------------


@pytest.fixture
def ceremony(rf, registered, insured, passkey_client):
    """A request carrying a session, for calling the services directly."""
    session = passkey_client.session

    def request():
        req = rf.post("/mfa/authenticate/")
        req.session = session
        req.user = insured
        return req

    return request


def _assert_refused(call):
    with pytest.raises(passkeys.PasskeyError) as refused:
        call()
    assert str(refused.value) == AUTHENTICATION_FAILED


def test_verify_authentication_accepts_the_members_passkey(ceremony, registered, insured):
    request = ceremony()
    options = passkeys.authentication_options(request, insured)
    device = passkeys.verify_authentication(
        request, insured, json.dumps(registered.get_json(options))
    )
    assert device.user == insured
    assert device.sign_count == 1


def test_wrong_origin_is_refused(ceremony, registered, insured):
    request = ceremony()
    options = passkeys.authentication_options(request, insured)
    credential = registered.get_json(options, origin="https://testserver.evil.example")
    _assert_refused(
        lambda: passkeys.verify_authentication(request, insured, json.dumps(credential))
    )


def test_wrong_rp_id_is_refused(ceremony, registered, insured):
    request = ceremony()
    options = passkeys.authentication_options(request, insured)
    credential = registered.get_json(options, rp_id="evil.example")
    _assert_refused(
        lambda: passkeys.verify_authentication(request, insured, json.dumps(credential))
    )


def test_cloned_authenticator_is_refused_and_the_counter_kept(ceremony, registered, insured):
    request = ceremony()
    options = passkeys.authentication_options(request, insured)
    passkeys.verify_authentication(request, insured, json.dumps(registered.get_json(options)))
    assert PasskeyDevice.objects.get(user=insured).sign_count == 1

    registered.sign_count = 0  # a copy of the key, one use behind
    options = passkeys.authentication_options(request, insured)
    credential = registered.get_json(options)
    _assert_refused(
        lambda: passkeys.verify_authentication(request, insured, json.dumps(credential))
    )
    device = PasskeyDevice.objects.get(user=insured)
    assert device.sign_count == 1
    assert device.last_used_at is None


def test_another_members_passkey_is_refused(ceremony, registered, insured, dependent):
    # The dependent's own session asks for options; the insured member's credential answers.
    request = ceremony()
    options = passkeys.authentication_options(request, dependent)
    credential = registered.get_json(options)
    _assert_refused(
        lambda: passkeys.verify_authentication(request, dependent, json.dumps(credential))
    )


def test_challenge_for_another_member_is_refused(ceremony, registered, insured, dependent):
    request = ceremony()
    options = passkeys.authentication_options(request, dependent)
    _assert_refused(
        lambda: passkeys.verify_authentication(
            request, insured, json.dumps(registered.get_json(options))
        )
    )


def test_authentication_challenge_is_used_once(ceremony, registered, insured):
    request = ceremony()
    options = passkeys.authentication_options(request, insured)
    passkeys.verify_authentication(request, insured, json.dumps(registered.get_json(options)))
    replay = registered.get_json(options)  # same challenge, a fresh counter
    _assert_refused(lambda: passkeys.verify_authentication(request, insured, json.dumps(replay)))


def test_expired_challenge_is_refused(ceremony, registered, insured, monkeypatch):
    request = ceremony()
    options = passkeys.authentication_options(request, insured)
    later = time.time() + passkeys.CHALLENGE_SECONDS + 1
    monkeypatch.setattr(passkeys.time, "time", lambda: later)
    credential = registered.get_json(options)
    _assert_refused(
        lambda: passkeys.verify_authentication(request, insured, json.dumps(credential))
    )


def test_unverified_user_is_refused(ceremony, registered, insured):
    request = ceremony()
    options = passkeys.authentication_options(request, insured)
    credential = registered.get_json(options)
    auth_data = bytearray(base64url_to_bytes(credential["response"]["authenticatorData"]))
    auth_data[32] &= ~FLAG_UV
    client_data = base64url_to_bytes(credential["response"]["clientDataJSON"])
    signature = registered.private_key.sign(
        bytes(auth_data) + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
    )
    credential["response"]["authenticatorData"] = bytes_to_base64url(bytes(auth_data))
    credential["response"]["signature"] = bytes_to_base64url(signature)
    _assert_refused(
        lambda: passkeys.verify_authentication(request, insured, json.dumps(credential))
    )


def test_rp_id_is_the_host_without_port(rf, settings):
    settings.ALLOWED_HOSTS = ["kosmo.portal.kosmo-web.jp"]
    request = rf.get("/", HTTP_HOST="kosmo.portal.kosmo-web.jp:8443", secure=True)
    assert passkeys.rp_id(request) == "kosmo.portal.kosmo-web.jp"
    assert passkeys.expected_origin(request) == "https://kosmo.portal.kosmo-web.jp:8443"
