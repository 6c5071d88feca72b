from django.urls import path
from django.views.generic import RedirectView

from accounts import recovery, security, views

app_name = "accounts"


def _to(url_name: str):
    return RedirectView.as_view(pattern_name=url_name, query_string=True)


urlpatterns = [
    # ACC-2 first login, ACC-12 terms
    path("first-login/identity/", views.first_login_identity, name="first_login_identity"),
    path("terms/", views.terms, name="terms"),
    path("first-login/email/", views.first_login_email, name="first_login_email"),
    path("email/verified/", views.email_verified, name="email_verified"),
    path("first-login/user-id/", views.first_login_user_id, name="first_login_user_id"),
    path("first-login/password/", views.first_login_password, name="first_login_password"),
    # ACC-7 … ACC-9
    path("profile/", views.profile, name="profile"),
    path("profile/email/", views.change_email, name="change_email"),
    path("login-methods/", views.login_methods, name="login_methods"),
    path("login-methods/password/", views.change_password, name="change_password"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    # ACC-10, ACC-11 (the reset itself is allauth's, adapted in accounts.recovery)
    path("forgot-user-id/", recovery.forgot_user_id, name="forgot_user_id"),
    # ACC-13 and the member's security log
    path("security/", security.security_log, name="security_log"),
    # allauth's own management pages would bypass the rules above (re-authentication with a
    # second factor, the union's password policy, verification first): send them to ours.
    path("password/change/", _to("accounts:change_password")),
    path("password/set/", _to("accounts:change_password")),
    path("email/", _to("accounts:change_email")),
    path("reauthenticate/", views.reauthenticate),
    path("signup/", _to("account_login")),
]
