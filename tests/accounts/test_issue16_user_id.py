"""Issue 16: changing the user ID (§3-1) asks for re-authentication."""

from tests.accounts.helpers import (
    html,
    reauthenticate,
)

# --- Changing the user ID asks for re-authentication -----------------------------------------


def test_changing_the_user_id_asks_for_reauthentication_first(member_client, insured):
    response = member_client.post(
        "/accounts/profile/", {"language": "ja", "user_id": "taro_new1", "mfa_method": "email"}
    )

    assert response.status_code == 302
    assert response.url == "/mfa/reauthenticate/?next=%2Faccounts%2Fprofile%2F"
    insured.refresh_from_db()
    assert insured.username == "yamada_taro"

    reauthenticate(member_client)
    page = member_client.get("/accounts/profile/")
    assert 'value="taro_new1"' in html(page)  # what was typed is offered again
    member_client.post(
        "/accounts/profile/", {"language": "ja", "user_id": "taro_new1", "mfa_method": "email"}
    )
    insured.refresh_from_db()
    assert insured.username == "taro_new1"


def test_profile_without_a_new_user_id_needs_no_reauthentication(member_client, insured):
    response = member_client.post(
        "/accounts/profile/", {"language": "ja", "user_id": "yamada_taro", "mfa_method": "email"}
    )

    assert response.url == "/accounts/profile/"
