"""The write side of 歩Fes.: entry, teams, stamps and the ranking snapshot. Each refusal is a
WalkingRefused with the Japanese message the page shows."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kosmo.models import Person
from wellness.walking import queries
from wellness.walking.models import (
    CheerStamp,
    Entry,
    EntryRank,
    StaffAction,
    Team,
    TeamRank,
    WalkingEvent,
)

# Team IDs leave out look-alikes (0/O, 1/I) since members type them from an e-mail.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class WalkingRefused(ValueError):
    """A step the rules do not allow; str(error) is the message for the member."""


def check_entry_open(event: WalkingEvent, day: dt.date) -> None:
    if day < event.entry_start:
        raise WalkingRefused(_("エントリー受付期間前です。"))
    if day > event.entry_end:
        raise WalkingRefused(_("エントリー受付期間は終了しました。"))


def _check_teams(event: WalkingEvent, day: dt.date) -> None:
    if not event.team_battle:
        raise WalkingRefused(_("このイベントではチーム戦は開催されません。"))
    if day > event.entry_end:
        raise WalkingRefused(_("エントリー受付期間が終了したため、チームは変更できません。"))


def enter(
    *, event: WalkingEvent, person: Person, nickname: str, token: uuid.UUID, day: dt.date
) -> tuple[Entry, bool]:
    """Enter the member (個人戦) with a nickname, within the entry window. The same confirm
    page posted again (same token), or a member already entered, gets the existing entry and
    False."""
    existing = Entry.objects.filter(event=event, person=person).first()
    if existing is not None:
        return existing, False
    check_entry_open(event, day)
    try:
        with transaction.atomic():
            return Entry.objects.create(
                event=event, person=person, nickname=nickname, token=token
            ), True
    except IntegrityError:  # a double submit raced this one
        return Entry.objects.get(event=event, person=person), False


def change_nickname(*, entry: Entry, nickname: str, day: dt.date) -> None:
    if entry.event.finished(day):
        raise WalkingRefused(_("イベントは終了しました。"))
    entry.nickname = nickname
    entry.save(update_fields=["nickname"])


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_team(*, entry: Entry, name: str, emblem: str, day: dt.date) -> Team:
    """A new team with a fresh チームID; the creator is its first member."""
    _check_teams(entry.event, day)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.team_id is not None:
            raise WalkingRefused(_("すでにチームに参加しています。"))
        while True:
            code = new_code()
            if not Team.objects.filter(code=code).exists():
                break
        team = Team.objects.create(event=entry.event, name=name, emblem=emblem, code=code)
        entry.team = team
        entry.save(update_fields=["team"])
    return team


def join_team(*, entry: Entry, team: Team, day: dt.date) -> None:
    """Join a team of the same event while it has room (the event's team_size); the team row
    is locked so two members cannot take its last place at once."""
    _check_teams(entry.event, day)
    if team.event_id != entry.event_id:
        raise WalkingRefused(_("該当するチームが見つかりません。"))
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.team_id == team.pk:
            raise WalkingRefused(_("すでにこのチームに参加しています。"))
        if entry.team_id is not None:
            raise WalkingRefused(_("すでにチームに参加しています。"))
        if team.members.count() >= entry.event.team_size:
            raise WalkingRefused(
                _("このチームは定員(%(size)s人)に達しているため参加できません。")
                % {"size": entry.event.team_size}
            )
        entry.team = team
        entry.save(update_fields=["team"])


def leave_team(*, entry: Entry, day: dt.date) -> None:
    """Leave the team; a team nobody is left in is removed."""
    _check_teams(entry.event, day)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.team_id is None:
            raise WalkingRefused(_("チームに参加していません。"))
        team_id = entry.team_id
        entry.team = None
        entry.save(update_fields=["team"])
        if not Entry.objects.filter(team_id=team_id).exists():
            Team.objects.filter(pk=team_id).delete()


def send_stamp(*, sender: Entry, recipient: Entry, stamp: str) -> CheerStamp:
    """A cheer stamp to a member of the sender's own team, and only to one."""
    if (
        sender.team_id is None
        or recipient.team_id != sender.team_id
        or recipient.pk == sender.pk
        or recipient.event_id != sender.event_id
    ):
        raise WalkingRefused(_("応援スタンプはチームメンバーにのみ送ることができます。"))
    return CheerStamp.objects.create(
        event_id=sender.event_id, sender=sender, recipient=recipient, stamp=stamp
    )


def mark_stamps_seen(*, entry: Entry) -> int:
    return CheerStamp.objects.filter(recipient=entry, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


def refresh_rankings(*, event: WalkingEvent) -> tuple[int, int]:
    """Rewrite the event's ranking snapshot from the steps recorded on its days: the same
    steps give the same rows, so a repeated or duplicate run does no harm. Returns the number
    of entries and teams ranked."""
    totals = queries.step_totals(event)
    entries = list(Entry.objects.filter(event=event).values_list("pk", "person_id", "team_id"))
    people = sorted(
        ((totals.get(person_id, 0), pk, team_id) for pk, person_id, team_id in entries),
        key=lambda row: (-row[0], row[1]),
    )
    ranks = queries.competition_ranks([steps for steps, _pk, _team in people])
    teams: dict[int, list[int]] = {}
    for steps, _pk, team_id in people:
        if team_id is not None:
            teams.setdefault(team_id, []).append(steps)
    team_rows = sorted(
        ((sum(steps), len(steps), team_id) for team_id, steps in teams.items()),
        key=lambda row: (-row[0], row[2]),
    )
    team_ranks = queries.competition_ranks([total for total, _n, _team in team_rows])
    with transaction.atomic():
        WalkingEvent.objects.select_for_update().filter(pk=event.pk).first()
        EntryRank.objects.filter(event=event).delete()
        TeamRank.objects.filter(event=event).delete()
        EntryRank.objects.bulk_create(
            (
                EntryRank(event=event, entry_id=pk, steps=steps, rank=rank)
                for (steps, pk, _team), rank in zip(people, ranks, strict=True)
            ),
            batch_size=2000,
        )
        TeamRank.objects.bulk_create(
            TeamRank(event=event, team_id=team_id, steps=total, members=count, rank=rank)
            for (total, count, team_id), rank in zip(team_rows, team_ranks, strict=True)
        )
        WalkingEvent.objects.filter(pk=event.pk).update(ranked_at=timezone.now())
    return len(people), len(team_rows)


def events_to_rank(day: dt.date, grace_days: int = 7) -> list[int]:
    """Events under way, or ended within `grace_days` (late records still change the final
    results)."""
    return list(
        WalkingEvent.objects.filter(
            start_on__lte=day, end_on__gte=day - dt.timedelta(days=grace_days)
        ).values_list("pk", flat=True)
    )


def record_staff_action(*, staff, entry: Entry, action: str, changed_fields=()) -> StaffAction:
    return StaffAction.objects.create(
        union_id=entry.event.union_id,
        staff=staff,
        action=action,
        event_title=entry.event.title,
        entry_id=entry.pk,
        nickname=entry.nickname,
        changed_fields=", ".join(changed_fields),
    )
