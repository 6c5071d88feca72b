"""Staff and operators use a second factor too (MFA-1): /admin/ opens only to an account
that has one; without one it is sent to set one up first."""

from django.shortcuts import redirect
from django.urls import reverse

from mfa import services


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not services.has_second_factor(user)
        ):
            return redirect("mfa:setup")
        return self.get_response(request)
