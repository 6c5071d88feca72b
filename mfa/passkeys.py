"""Passkeys (生体認証): the WebAuthn ceremonies on top of py_webauthn.

The relying party is the union's portal host the member is on; challenges live in the session
and are used once. A registration is verified first and kept in the session until the member
gives it a label (「認証ラベルの登録」); only then does it become a PasskeyDevice.
"""

from __future__ import annotations

import logging
import time

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.models import User
from mfa import services
from mfa.models import PasskeyDevice

logger = logging.getLogger(__name__)

REGISTRATION_INVALID = _("セキュリティキーの登録が無効です")
AUTHENTICATION_FAILED = _("生体認証に失敗しました。もう一度お試しください。")
LABEL_TAKEN = _("すでに登録されている名前です。別の名前を入力してください。")
LABEL_MAX_LENGTH = 64

# Session keys.
REGISTRATION_CHALLENGE = "kosmo_passkey_registration"
PENDING = "kosmo_passkey_pending"
AUTHENTICATION_CHALLENGE = "kosmo_passkey_authentication"
SIGN_OUT_OTHERS = "kosmo_passkey_sign_out_others"

# The browser is asked to finish within TIMEOUT_MS; the server accepts the answer a little
# longer (a phone reached by QR code is slow), then the challenge is void.
TIMEOUT_MS = 180_000
CHALLENGE_SECONDS = 300


class PasskeyError(Exception):
    """A ceremony did not verify; str() is the message to show the member."""

    def __init__(self, message=REGISTRATION_INVALID):
        super().__init__(str(message))


# --- The relying party ----------------------------------------------------------------------------


def rp_id(request: HttpRequest) -> str:
    """The host without its port (get_host() has checked it against ALLOWED_HOSTS)."""
    domain, _port = split_domain_port(request.get_host())
    return domain


def expected_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def user_handle(user: User) -> bytes:
    """A stable, opaque WebAuthn user.id: no personal data, nothing stored."""
    return salted_hmac("kosmo.mfa.passkey.user_handle", str(user.pk), algorithm="sha256").digest()


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for device in PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
        transports = []
        for value in device.transports or []:
            try:
                transports.append(AuthenticatorTransport(value))
            except ValueError:
                continue
        descriptors.append(
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(device.credential_id), transports=transports or None
            )
        )
    return descriptors


def _remember_challenge(request: HttpRequest, key: str, user: User, challenge: bytes) -> None:
    request.session[key] = {
        "user": user.pk,
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
    }


def _take_challenge(request: HttpRequest, key: str, user: User, message) -> bytes:
    """The challenge issued to this user, removed from the session: each is used once."""
    state = request.session.pop(key, None)
    if (
        not isinstance(state, dict)
        or state.get("user") != user.pk
        or time.time() - state.get("at", 0) > CHALLENGE_SECONDS
    ):
        raise PasskeyError(message)
    return base64url_to_bytes(state["challenge"])


# --- Registration ---------------------------------------------------------------------------------


def registration_options(request: HttpRequest, user: User) -> str:
    """PublicKeyCredentialCreationOptions as JSON for navigator.credentials.create().

    A platform authenticator or a phone (cross-device) may answer; user verification (face,
    fingerprint, device PIN) is required; the member's passkeys are excluded so one
    authenticator is not registered twice.
    """
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=user.union.name if user.union_id else "KOSMO Web",
        user_id=user_handle(user),
        user_name=user.username,
        user_display_name=user.display_name,
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    _remember_challenge(request, REGISTRATION_CHALLENGE, user, options.challenge)
    return options_to_json(options)


def verify_registration(request: HttpRequest, user: User, credential_json: str) -> None:
    """Check the authenticator's answer; keep the new credential in the session until it is
    labelled. Raises PasskeyError (「セキュリティキーの登録が無効です」)."""
    challenge = _take_challenge(request, REGISTRATION_CHALLENGE, user, REGISTRATION_INVALID)
    try:
        credential = parse_registration_credential_json(credential_json)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=expected_origin(request),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as failure:
        logger.info("passkey registration refused for user %s: %s", user.pk, failure)
        raise PasskeyError(REGISTRATION_INVALID) from failure
    credential_id = bytes_to_base64url(verified.credential_id)
    if PasskeyDevice.objects.filter(credential_id=credential_id).exists():
        raise PasskeyError(REGISTRATION_INVALID)
    request.session[PENDING] = {
        "user": user.pk,
        "credential_id": credential_id,
        "public_key": bytes_to_base64url(verified.credential_public_key),
        "sign_count": verified.sign_count,
        "transports": [str(t.value) for t in credential.response.transports or []],
        "aaguid": verified.aaguid,
        "backed_up": verified.credential_backed_up,
    }


def pending_passkey(request: HttpRequest, user: User) -> dict | None:
    """The verified credential awaiting its label, if it belongs to this user."""
    pending = request.session.get(PENDING)
    if isinstance(pending, dict) and pending.get("user") == user.pk:
        return pending
    return None


def save_pending_passkey(
    request: HttpRequest, user: User, label: str, sign_out_others: bool = False
) -> PasskeyDevice:
    """The labelled credential becomes a second factor of the account (MFA_ADDED is recorded
    by services.confirm_device). Raises PasskeyError when nothing is pending or the credential
    was registered meanwhile."""
    pending = pending_passkey(request, user)
    if pending is None:
        raise PasskeyError(REGISTRATION_INVALID)
    try:
        with transaction.atomic():
            device = PasskeyDevice.objects.create(
                user=user,
                name=label,
                confirmed=False,
                credential_id=pending["credential_id"],
                public_key=base64url_to_bytes(pending["public_key"]),
                sign_count=pending["sign_count"],
                transports=pending["transports"],
                aaguid=pending["aaguid"],
                backed_up=pending["backed_up"],
            )
            services.confirm_device(
                request=request, device=device, name=label, sign_out_others=sign_out_others
            )
    except IntegrityError as failure:
        raise PasskeyError(REGISTRATION_INVALID) from failure
    request.session.pop(PENDING, None)
    return device


# The manual: 「パスキーの文字は削除した後に…入力します」: the field starts with this name.
DEFAULT_LABEL = "パスキー"


class PasskeyLabelForm(forms.Form):
    """「認証ラベルの登録」: a name that tells the member which device this passkey is."""

    label = forms.CharField(
        label=_("パスキー"),
        help_text=_(
            "英字、数字、かな入力など登録するスマートデバイスを識別できる名前を入力します。"
        ),
        max_length=LABEL_MAX_LENGTH,
        error_messages={
            "required": _("認証ラベルを入力してください。"),
            "max_length": _("%(limit_value)d文字以内で入力してください。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if (
            not self.is_bound
            and not PasskeyDevice.objects.filter(user=user, name=DEFAULT_LABEL).exists()
        ):
            self.initial.setdefault("label", DEFAULT_LABEL)

    def clean_label(self) -> str:
        label = self.cleaned_data["label"]  # stripped by the field
        if PasskeyDevice.objects.filter(user=self.user, name=label).exists():
            raise ValidationError(LABEL_TAKEN, code="taken")
        return label


# --- Authentication -----------------------------------------------------------------------------


def authentication_options(request: HttpRequest, user: User) -> str:
    """PublicKeyCredentialRequestOptions as JSON for navigator.credentials.get(): only this
    member's passkeys, user verification required."""
    options = generate_authentication_options(
        rp_id=rp_id(request),
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _remember_challenge(request, AUTHENTICATION_CHALLENGE, user, options.challenge)
    return options_to_json(options)


def verify_authentication(request: HttpRequest, user: User, credential_json: str) -> PasskeyDevice:
    """The member proved possession of one of their passkeys, with user verification.

    The challenge is consumed whatever the outcome. A signature counter that does not move
    forward (WebAuthn §7.2 step 22: either counter non-zero and the new one not greater) means
    a cloned authenticator: refused, and the stored counter is left as it was.
    Raises PasskeyError (「生体認証に失敗しました。もう一度お試しください。」).
    """
    challenge = _take_challenge(request, AUTHENTICATION_CHALLENGE, user, AUTHENTICATION_FAILED)
    try:
        credential = parse_authentication_credential_json(credential_json)
    except (WebAuthnException, ValueError, TypeError) as failure:
        raise PasskeyError(AUTHENTICATION_FAILED) from failure
    credential_id = bytes_to_base64url(credential.raw_id)
    with transaction.atomic():
        device = (
            PasskeyDevice.objects.select_for_update()
            .filter(user=user, confirmed=True, credential_id=credential_id)
            .first()
        )
        if device is None:
            logger.info("passkey of another account or unknown, user %s", user.pk)
            raise PasskeyError(AUTHENTICATION_FAILED)
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id(request),
                expected_origin=expected_origin(request),
                credential_public_key=bytes(device.public_key),
                credential_current_sign_count=device.sign_count,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, TypeError) as failure:
            logger.info("passkey %s refused: %s", device.pk, failure)
            raise PasskeyError(AUTHENTICATION_FAILED) from failure
        device.sign_count = verified.new_sign_count
        device.backed_up = verified.credential_backed_up
        device.save(update_fields=["sign_count", "backed_up"])
    return device
