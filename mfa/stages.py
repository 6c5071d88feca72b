from allauth.account.stages import LoginStage
from django.shortcuts import redirect

from mfa import services
from mfa.flows import STAGE_KEY


class SecondFactorStage(LoginStage):
    """allauth login stage after the password: a member with a second factor must use one
    (MFA-1). Without any (first login, or after staff reset them) the login goes on and the
    first-login journey sets one up."""

    key = STAGE_KEY
    urlname = "mfa:authenticate"

    def handle(self):
        user = self.login.user
        if user is not None and services.has_second_factor(user):
            return redirect("mfa:authenticate"), True
        return None, True
