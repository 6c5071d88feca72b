from django.urls import path

from mfa import passkey_views, views

app_name = "mfa"

urlpatterns = [
    path("authenticate/", views.authenticate, name="authenticate"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("reauthenticate/factor/", views.reauthenticate_factor, name="reauthenticate_factor"),
    path("setup/", views.setup, name="setup"),
    # Every setup page is below setup/: the first-login journey's second-factor step covers them.
    path("setup/passkey/", views.setup_method, {"method": "passkey"}, name="passkey_setup"),
    path(
        "setup/passkey/register/options/",
        passkey_views.register_options,
        name="passkey_register_options",
    ),
    path("setup/passkey/register/", passkey_views.register, name="passkey_register"),
    path("setup/passkey/label/", passkey_views.label, name="passkey_label"),
    path("setup/choose/", views.choose_method, name="choose_method"),
    path("setup/<str:method>/", views.setup_method, name="setup_method"),
    path("backup/", views.backup, name="backup"),
    path("devices/<str:kind>/<int:pk>/delete/", views.delete, name="delete"),
    path(
        "passkeys/authenticate/options/",
        passkey_views.authenticate_options,
        name="passkey_authenticate_options",
    ),
]
