import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import alerts, flows, former_members, lockout, services
from accounts.forms import email_taken_in_union
from accounts.validators import normalize_user_id
from kosmo import outage
from kosmo.mail import send_templated_mail

INVALID_LOGIN = _("無効なユーザIDまたはパスワードです。")
LOGGED_IN_MESSAGE = "account/messages/logged_in.txt"


class AccountAdapter(DefaultAccountAdapter):
    """django-allauth, adapted to the manual: Japanese messages, user-ID logins, union mail,
    the lockout policy (accounts.lockout) around every password check."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": INVALID_LOGIN,
        "invalid_login": INVALID_LOGIN,
        "too_many_login_attempts": _(
            "ログインの試行回数が多すぎます。しばらく時間をおいてから、もう一度お試しください。"
        ),
        "rate_limited": _(
            "短時間に操作が繰り返されました。しばらく時間をおいてから、もう一度お試しください。"
        ),
        "incorrect_password": _("パスワードが正しくありません。"),
        "invalid_password_reset": _(
            "パスワードリセットのリンクが無効です。有効期限(5分)が切れたか、すでに使用されています。"
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        # Accounts are issued by the union (ACC-2, ACC-14); nobody signs themselves up.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = context.get("request") or self.request or allauth_context.request
        union = getattr(request, "union", None)
        send_templated_mail(to=[email], template=template_prefix, context=context, union=union)

    def send_confirmation_mail(self, request, emailconfirmation, signup) -> None:
        # Keep the request for send_mail: it names the union whose sender signs the mail.
        self.request = request
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def authenticate(self, request, **credentials):
        login = normalize_user_id(credentials.get("username"))
        credentials["username"] = login
        user = super().authenticate(request, **credentials)
        if user is not None:
            # The password was right: only now may the lock be told (accounts.lockout).
            lockout.refuse_if_locked(request, user)
            # A former member past the union's window (資格喪失): closed, with whom to call.
            former_members.refuse_if_closed(user)
        return user

    def pre_authenticate(self, request, **credentials) -> None:
        # allauth's per-address count of failed logins fails open while Redis is unavailable:
        # the lockout in PostgreSQL still bounds guessing (accounts.ratelimits).
        if outage.redis_unavailable():
            return
        started = time.monotonic()
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if not outage.redis_failed_since(started):  # refused by the count, not by Redis
                raise

    def authentication_failed(self, request, **credentials) -> None:
        lockout.login_failed(request, credentials.get("username", ""))

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ) -> None:
        # 「ユーザー … としてログインしました。」 only once the portal is open: a member with
        # first-login steps pending (birth date, terms …) is not signed in to the portal yet.
        if message_template == LOGGED_IN_MESSAGE:
            user = (message_context or {}).get("user") or request.user
            if flows.pending_step(user) is not None:
                return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )

    def get_login_stages(self) -> list[str]:
        return [*super().get_login_stages(), *flows.LOGIN_STAGES]

    def confirm_email(self, request, email_address) -> bool:
        # Unique per union (ACCOUNT_UNIQUE_EMAIL is off): another account of the union may
        # have taken the address since the link was sent.
        if email_taken_in_union(email_address.email, user=email_address.user):
            return False
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            replaced = services.adopt_confirmed_email(address=email_address, request=request)
            if replaced:
                alerts.email_changed(user=email_address.user, old_email=replaced, request=request)
        return confirmed

    def get_email_verification_redirect_url(self, email_address) -> str:
        return reverse("accounts:email_verified")
