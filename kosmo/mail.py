"""Every e-mail the portal sends goes through `send_templated_mail`."""

from __future__ import annotations

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from kosmo.models import OutboundEmail, Union
from kosmo.queueing import queue_on_commit


def send_templated_mail(
    *, to: list[str], template: str, context: dict, union: Union | None = None
) -> OutboundEmail:
    """Render `<template>_subject.txt`, `<template>_message.txt` and (if present)
    `<template>_message.html` (django-allauth's layout, so its mails come through here too),
    store the message and queue its delivery once the current transaction commits.

    The sender is the union's own (`Union.mail_from`) when it has one. Templates get
    `union` in their context.
    """
    context = {"union": union, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body_text = render_to_string(f"{template}_message.txt", context)
    try:
        body_html = render_to_string(f"{template}_message.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    email = OutboundEmail.objects.create(
        to=list(to),
        from_email=(union.mail_from if union else "") or settings.DEFAULT_FROM_EMAIL,
        template=template,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
    )
    from kosmo.tasks import deliver_email  # tasks import this module's models

    # With the broker unreachable the message is delivered in this request: a sign-in code
    # cannot wait for Redis to come back.
    queue_on_commit(deliver_email.s(email.pk), fallback=lambda: deliver_email.apply((email.pk,)))
    return email
