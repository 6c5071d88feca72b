"""The write side of チャレンジ記録: setting a challenge, marking a day ○ or ×, deleting.

Hook for later issues (points, missions): when a day becomes ○ — its first ○, or a × changed
to ○ — `wellness.challenges.signals.day_achieved` is sent after the transaction commits, with
``challenge``, ``date`` and ``person``. Connect a receiver there rather than importing this
module's internals; a day may go ○ → × → ○, so award once per (challenge.pk, date).

The rules a date must meet (not in the future, within the challenge's period) and a new
challenge's period (from today, at most MAX_DAYS days) are checked here, with the screens'
Japanese messages; forms call these checks so that every path gives the same answer.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kosmo.models import Person
from wellness.challenges.models import Challenge, ChallengeDay, PresetChallenge
from wellness.challenges.signals import day_achieved

MAX_DAYS = 365  # the longest period a member may set, start and end day included


def period_errors(start_on: dt.date, end_on: dt.date, today: dt.date) -> dict[str, str]:
    """Why a new challenge's 開始日・終了日 are refused, by field (empty when they are fine)."""
    errors = {}
    if start_on < today:
        errors["start_on"] = _("開始日は今日以降の日付を選択してください。")
    if end_on < start_on:
        errors["end_on"] = _("終了日は開始日以降の日付を選択してください。")
    elif (end_on - start_on).days + 1 > MAX_DAYS:
        errors["end_on"] = _("チャレンジの期間は%(days)s日以内で設定してください。") % {
            "days": MAX_DAYS
        }
    return errors


def date_refusal(challenge: Challenge, day: dt.date, today: dt.date) -> str | None:
    """Why `day` cannot be recorded for `challenge` today, or None when it can."""
    if day > today:
        return _("未来日付は記録できません。")
    if day < challenge.start_on:
        return _("チャレンジ開始日より前の日付は記録できません。")
    if day > challenge.end_on:
        return _("チャレンジ終了日より後の日付は記録できません。")
    return None


@transaction.atomic
def set_challenge(
    *,
    person: Person,
    title: str,
    start_on: dt.date,
    end_on: dt.date,
    token: uuid.UUID,
    today: dt.date,
    preset: PresetChallenge | None = None,
) -> tuple[Challenge, bool]:
    """「この内容でチャレンジを設定する」: the member's new challenge, and whether it is new.

    The confirm page's `token` makes a second post of it (a double click, a reload) return
    the challenge the first one set. Raises ValidationError for a refused period.
    """
    existing = Challenge.objects.filter(person=person, token=token).first()
    if existing is not None:
        return existing, False
    errors = period_errors(start_on, end_on, today)
    if errors:
        raise ValidationError(errors)
    challenge = Challenge.objects.create(
        person=person,
        preset=preset,
        title=preset.title if preset is not None else title.strip(),
        start_on=start_on,
        end_on=end_on,
        token=token,
    )
    return challenge, True


@transaction.atomic
def record_day(
    *, challenge: Challenge, day: dt.date, achieved: bool, today: dt.date
) -> ChallengeDay:
    """Save ○ (achieved) or × for one date; a second save of the date replaces the first.

    Raises ValidationError with the screen's message for a future date or one outside the
    challenge's period. Sends `day_achieved` after commit when the day becomes ○.
    """
    refusal = date_refusal(challenge, day, today)
    if refusal is not None:
        raise ValidationError(refusal)
    # The row lock makes two simultaneous saves of one date take turns (one row, one signal).
    previous = (
        ChallengeDay.objects.select_for_update()
        .filter(challenge=challenge, date=day)
        .values_list("achieved", flat=True)
        .first()
    )
    record, _created = ChallengeDay.objects.update_or_create(
        challenge=challenge, date=day, defaults={"achieved": achieved}
    )
    if achieved and previous is not True:
        transaction.on_commit(
            lambda: day_achieved.send(
                sender=Challenge, challenge=challenge, date=day, person=challenge.person
            )
        )
    return record


def delete_challenge(*, challenge: Challenge) -> None:
    """「削除」: the challenge and all its days."""
    challenge.delete()
