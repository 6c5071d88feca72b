"""Receivers of the other features' events (connected in MissionsConfig.ready): each one notes
the member's activity through `services.record_activity`, which clears missions and awards."""

from __future__ import annotations

from django.utils import timezone

from wellness.missions import services
from wellness.missions.models import Action

RECORD_ACTIONS = {"steps": Action.STEPS, "weight": Action.WEIGHT}


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """allauth's `user_logged_in`: a completed login (after any second factor)."""
    person = user.person if user.person_id else None
    if person is not None:
        services.record_activity(person=person, action=Action.LOGIN, on=timezone.localdate())


def on_records_saved(sender, person, item_key, dates, **kwargs) -> None:
    """wellness.records' `records_saved`: steps or weight recorded for these dates."""
    action = RECORD_ACTIONS.get(item_key)
    if action is None:
        return
    services.record_activities(person=person, action=action, dates=list(dates))


def on_article_read(sender, person, article, on, **kwargs) -> None:
    """wellness.club's `article_read`."""
    services.record_activity(person=person, action=Action.ARTICLE, on=on)


def on_day_achieved(sender, challenge, date, person, **kwargs) -> None:
    """wellness.challenges' `day_achieved`: a day of a challenge marked ○."""
    services.record_activity(person=person, action=Action.CHALLENGE, on=date)
