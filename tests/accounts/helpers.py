"""Steps the account tests share: a member's re-authentication, a whole password reset, locks."""

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from accounts.models import User
from tests.factories import PASSWORD

RESET_URL = "/accounts/password/reset/"
FORGOT_ID_URL = "/accounts/forgot-user-id/"
NEW_PASSWORD = "Brand-new-2026"
TOO_MANY_TRIES = (
    "短時間に操作が繰り返されました。しばらく時間をおいてから、もう一度お試しください。"
)


def html(response) -> str:
    return response.content.decode()


def form_errors(response) -> list[str]:
    return [str(error) for error in response.context["form"].non_field_errors()]


def reauthenticate(client, username: str = "yamada_taro") -> None:
    """Password, then the persona's e-mail code (MFA-9)."""
    client.post("/mfa/reauthenticate/", {"password": PASSWORD})
    device = EmailDevice.objects.get(user__username=username)
    device.generate_token(valid_secs=300)
    client.post("/mfa/reauthenticate/factor/", {"method": "email", "code": device.token})


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body)[1]


def reset_link(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)[1]


def reset_password(client, user_id: str, capture, password: str = NEW_PASSWORD):
    """「パスワードを忘れた方はこちら」 to the end: request, open the mailed link, choose.
    Returns the form page and the page after 「実行」."""
    with capture(execute=True):
        client.post(RESET_URL, {"user_id": user_id})
    form_page = client.get(reset_link(mail.outbox[-1]), follow=True)
    with capture(execute=True):
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"password1": password, "password2": password},
            follow=True,
        )
    return form_page, done


def lock_temporarily(user: User) -> None:
    """As after five wrong passwords: the password locked for 15 minutes."""
    User.objects.filter(pk=user.pk).update(
        failed_logins=5,
        last_failed_login_at=timezone.now(),
        locked_until=timezone.now() + dt.timedelta(minutes=15),
    )


def lock_permanently(user: User) -> None:
    """As after twenty: the account locked until staff lift it."""
    User.objects.filter(pk=user.pk).update(failed_logins=20, locked_at=timezone.now())
