"""Issue 16: the first-login e-mail step says the change is optional; no
「…としてログインしました。」 before the first login is done."""

from django.utils import timezone

from tests import factories
from tests.accounts.helpers import (
    html,
)

# --- First-login e-mail step and the login message -------------------------------------------


def test_first_login_email_step_says_the_change_is_optional(client, household):
    issued = factories.IssuedUserFactory(
        person__household=household, identity_verified_at=timezone.now()
    )
    client.force_login(issued)

    page = html(client.get("/accounts/first-login/email/"))

    assert "※メールアドレスの変更は必須ではありません" in page


def test_no_signed_in_message_before_the_first_login_is_done(client, household):
    issued = factories.IssuedUserFactory(person__household=household)

    response = factories.sign_in(client, issued.username)
    page = client.get(response.url, follow=True)

    assert page.redirect_chain[-1][0] == "/accounts/first-login/identity/"
    assert "としてログインしました" not in html(page)


def test_a_member_whose_first_login_is_done_is_told_they_signed_in(client, insured):
    response = factories.sign_in(client, insured.username)

    assert "ユーザー yamada_taro としてログインしました。" in html(client.get(response.url))
