from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model

from kosmo.prepared import PreparedQuery


def _session_user(shape, *, pk: int):
    # The session's account with its person and household: every member page needs them.
    return get_user_model()._default_manager.select_related("person__household").filter(pk=pk)


# Run on every signed-in request: compiled to SQL once (kosmo.prepared).
_SESSION_USER = PreparedQuery("accounts.session_user", _session_user)


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
        users = _SESSION_USER.run("by pk", pk=pk)
        user = users[0] if users else None
        return user if user is not None and self.user_can_authenticate(user) else None
