"""Celery tasks of accounts: the forgotten-password and forgotten-user-ID mails.

Both pages queue their task once the request's work is committed and answer at once, so an
existing account and an unknown one cost the page the same; the lookup, the token and the
rendering happen here. A duplicate delivery mails a second, equally valid link or reminder,
which does no harm.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from accounts import services
from kosmo.models import Union


def _union(union_id: int | None) -> Union | None:
    return Union.objects.filter(pk=union_id).first() if union_id is not None else None


@shared_task
def send_password_reset(union_id: int | None, user_id: str, base_url: str) -> bool:
    return services.send_password_reset(union=_union(union_id), user_id=user_id, base_url=base_url)


@shared_task
def send_user_id_reminders(
    union_id: int | None, birth_date: str, email: str, login_url: str
) -> int:
    return services.send_user_id_reminders(
        union=_union(union_id),
        birth_date=dt.date.fromisoformat(birth_date),
        email=email,
        login_url=login_url,
    )
