from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are issued by the union (ACC-2, ACC-14); nobody signs themselves up.
        return False
