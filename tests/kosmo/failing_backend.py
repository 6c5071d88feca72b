from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionError("mail server unreachable")
