"""``{% csrf_token %}`` masking the member's CSRF secret without Django's per-character calls.

Django masks the secret anew for every form (so that the page's bytes differ on every
response, against BREACH): 32 characters drawn one by one through `secrets.choice`, then a
character-by-character cipher, about 300 function calls, a tenth of a statement page. This
tag does the same in a few comprehensions: the mask is drawn from `os.urandom` by rejection
sampling (uniform over the 62 characters, like `secrets.choice`), and the token is the same
format, ``mask + cipher`` with cipher[i] = chars[(secret[i] + mask[i]) mod 62], so Django's
middleware checks it unchanged (tests unmask it with Django's own function and post it).

It takes that path only when the request carries a CSRF secret the middleware accepted
(``request.META["CSRF_COOKIE"]``, every browser after the login form); otherwise it is Django's
own tag, which also makes a new secret and sets the cookie. Installed as a builtin by
kosmo.template_backend.DjangoTemplates.
"""

from __future__ import annotations

import os

from django import template
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.template import defaulttags
from django.utils.html import format_html

register = template.Library()

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_BASE = len(_CHARS)  # 62
_LIMIT = 256 - 256 % _BASE  # bytes below 248 map uniformly onto the 62 characters


def mask_secret(secret: str) -> str:
    """A fresh token for `secret`: what django.middleware.csrf's masking makes."""
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [byte % _BASE for byte in os.urandom(CSRF_SECRET_LENGTH + 8) if byte < _LIMIT]
    mask = mask[:CSRF_SECRET_LENGTH]
    cipher = [_CHARS[(_INDEX[char] + m) % _BASE] for char, m in zip(secret, mask, strict=True)]
    return "".join([_CHARS[m] for m in mask]) + "".join(cipher)


def csrf_input(context) -> str:
    """``{% csrf_token %}``'s output in `context`, for code that writes a form in Python."""
    return _NODE.render(context)


class MaskingCsrfTokenNode(defaulttags.CsrfTokenNode):
    def render(self, context):
        request = getattr(context, "request", None)
        secret = getattr(request, "META", {}).get("CSRF_COOKIE")
        if "csrf_token" not in context or not secret or len(secret) != CSRF_SECRET_LENGTH:
            return super().render(context)
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: renew the cookie
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', mask_secret(secret)
        )


_NODE = MaskingCsrfTokenNode()


@register.tag
def csrf_token(parser, token):
    return MaskingCsrfTokenNode()
