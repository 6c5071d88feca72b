from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class UnionAuthenticationBackend(AuthenticationBackend):
    """allauth's backend, refusing accounts of another union than the one being served.

    The refusal looks exactly like a wrong password, so a portal never tells whether a user
    ID exists in another union.
    """

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None or request is None:
            return user
        union = getattr(request, "union", None)
        if user.is_superuser and user.union_id is None:
            return user
        if union is None or user.union_id != union.pk:
            return None
        return user

    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        # The session's account with its person and household: every member page needs them.
        user = get_user_model().objects.select_related("person__household").filter(pk=pk).first()
        return user if user is not None and self.user_can_authenticate(user) else None
