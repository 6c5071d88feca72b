"""Issue 16: password rules — 「¥」 allowed as the manual says, common passwords and ones like
the user ID refused (Django's validators, in Japanese) on every page that sets a password."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from tests.accounts.helpers import (
    html,
    reauthenticate,
    reset_password,
)
from tests.factories import PASSWORD

# --- Password rules --------------------------------------------------------------------------


def _change_password(client, password):
    return client.post(
        "/accounts/login-methods/password/", {"password1": password, "password2": password}
    )


def test_the_yen_sign_is_accepted_as_the_manual_allows(member_client, insured):
    reauthenticate(member_client)

    response = _change_password(member_client, "Yen¥pass2026")

    assert response.status_code == 302
    insured.refresh_from_db()
    assert insured.check_password("Yen¥pass2026")


def test_the_yen_sign_counts_as_a_symbol(member_client, insured, union):
    union.password_min_character_classes = 4
    union.save()
    reauthenticate(member_client)

    assert _change_password(member_client, "Yenpass2026¥").status_code == 302


COMMON = "よく使われているパスワードのため、設定できません。別のパスワードを入力してください。"


def test_a_common_password_is_refused_on_the_change_page(member_client):
    reauthenticate(member_client)

    response = _change_password(member_client, "password")

    assert response.status_code == 200
    assert COMMON in html(response)


def test_a_password_like_the_user_id_is_refused(member_client):
    reauthenticate(member_client)

    response = _change_password(member_client, "yamada_taro1")

    assert "ユーザIDに似たパスワードは設定できません。別のパスワードを入力してください。" in html(
        response
    )


def test_a_common_password_is_refused_at_the_first_login_password_step(client, household):
    issued = factories.IssuedUserFactory(
        person__household=household,
        identity_verified_at=timezone.now(),
        user_id_chosen_at=timezone.now(),
        mfa_method="email",
    )
    EmailAddress.objects.create(user=issued, email=issued.email, verified=True, primary=True)
    client.force_login(issued)

    response = client.post(
        "/accounts/first-login/password/", {"password1": "password", "password2": "password"}
    )

    assert COMMON in html(response)


def test_a_common_password_is_refused_on_the_reset_page(
    client, insured, django_capture_on_commit_callbacks
):
    _form, done = reset_password(
        client, insured.username, django_capture_on_commit_callbacks, password="password"
    )

    assert COMMON in html(done)
    insured.refresh_from_db()
    assert insured.check_password(PASSWORD)


def test_without_a_union_policy_eight_characters_are_still_asked_for_in_japanese(db):
    # createsuperuser and admin's password forms run only AUTH_PASSWORD_VALIDATORS.
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("Ab1-xyz")

    assert refused.value.messages == ["パスワードは8文字以上で入力してください。"]
