"""Every e-mail the portal sends goes through `send_templated_mail`."""

from __future__ import annotations

from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from kosmo.models import OutboundEmail


def send_templated_mail(*, to: list[str], template: str, context: dict) -> OutboundEmail:
    """Render `<template>_subject.txt`, `<template>.txt` and (if present) `<template>.html`,
    store the message and queue its delivery once the current transaction commits.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body_text = render_to_string(f"{template}.txt", context)
    try:
        body_html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    email = OutboundEmail.objects.create(
        to=list(to), template=template, subject=subject, body_text=body_text, body_html=body_html
    )
    from kosmo.tasks import deliver_email  # tasks import this module's models

    transaction.on_commit(lambda: deliver_email.delay(email.pk))
    return email
