"""The read side of チャレンジ記録. A member's challenges are their own: every query starts
from the member's person, so another member's challenge is a 404 (not even the household's
insured sees a spouse's challenges)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kosmo.models import Person, Union
from wellness.challenges.models import Challenge, ChallengeDay, PresetChallenge, Stage


def today() -> dt.date:
    """Today in Japan (settings.TIME_ZONE is Asia/Tokyo): a day after midnight JST is today."""
    return timezone.localdate()


def challenges_of(person: Person) -> QuerySet[Challenge]:
    return Challenge.objects.filter(person=person)


def challenge_for_member(person: Person, pk: int) -> Challenge:
    """The member's own challenge `pk`; anyone else's is a 404."""
    challenge = get_object_or_404(challenges_of(person), pk=pk)
    challenge.person = person
    return challenge


def stages(union: Union) -> list[Stage]:
    """The union's published stages that offer a published challenge, each with those
    challenges (`stage.offered`). Two queries."""
    offered = PresetChallenge.objects.filter(published=True)
    return [
        stage
        for stage in Stage.objects.filter(union=union, published=True).prefetch_related(
            Prefetch("presets", queryset=offered, to_attr="offered")
        )
        if stage.offered
    ]


def stage_for_union(union: Union, pk: int) -> Stage:
    return get_object_or_404(Stage, union=union, published=True, pk=pk)


def offered_presets(stage: Stage) -> QuerySet[PresetChallenge]:
    return stage.presets.filter(published=True)


@dataclass(frozen=True)
class Progress:
    achieved: int  # days marked ○
    so_far: int  # days of the period up to today
    total: int  # days of the period

    @property
    def percent(self) -> int:
        """○ days out of the days so far, in whole percent (0 before the start)."""
        return self.achieved * 100 // self.so_far if self.so_far else 0


def progress(challenge: Challenge, day: dt.date) -> Progress:
    """Needs `achieved_days` annotated (`with_progress`)."""
    return Progress(challenge.achieved_days, challenge.days_so_far(day), challenge.total_days)


def with_progress(queryset: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return queryset.annotate(achieved_days=Count("days", filter=Q(days__achieved=True)))


@dataclass(frozen=True)
class Listed:
    challenge: Challenge
    progress: Progress


def challenge_lists(person: Person, day: dt.date) -> tuple[list[Listed], list[Listed]]:
    """(設定中のチャレンジ: not yet ended, by start date; ended ones, latest end first), each
    with its progress. One query whatever the number of challenges and days."""
    current, ended = [], []
    for challenge in with_progress(challenges_of(person)).order_by("start_on", "pk"):
        listed = Listed(challenge, progress(challenge, day))
        (current if challenge.end_on >= day else ended).append(listed)
    ended.sort(key=lambda listed: listed.challenge.end_on, reverse=True)
    return current, ended


def with_mark_on(queryset: QuerySet[Challenge], day: dt.date) -> QuerySet[Challenge]:
    """Each challenge's ○/× of `day` as `mark`: True, False or None (not recorded)."""
    mark = ChallengeDay.objects.filter(challenge=OuterRef("pk"), date=day).values("achieved")
    return queryset.annotate(mark=Subquery(mark[:1]))


def challenges_on(person: Person, day: dt.date) -> list[Challenge]:
    """The member's challenges whose period covers `day`, with that day's `mark`. One query."""
    covering = challenges_of(person).filter(start_on__lte=day, end_on__gte=day)
    return list(with_mark_on(covering, day).order_by("start_on", "pk"))


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    mark: bool | None
    recordable: bool  # not in the future


@dataclass(frozen=True)
class CalendarMonth:
    month: dt.date  # its first day
    weeks: list[list[CalendarDay | None]]  # Monday first; None outside the period


def calendar(challenge: Challenge, day: dt.date) -> list[CalendarMonth]:
    """The challenge's period as month grids (Monday first) with each date's mark. One query."""
    marks = dict(challenge.days.values_list("date", "achieved"))
    months: list[CalendarMonth] = []
    current = challenge.start_on.replace(day=1)
    while current <= challenge.end_on:
        following = (current + dt.timedelta(days=32)).replace(day=1)
        cells: list[CalendarDay | None] = [None] * current.weekday()
        date = current
        while date < following:
            inside = challenge.start_on <= date <= challenge.end_on
            cells.append(CalendarDay(date, marks.get(date), date <= day) if inside else None)
            date += dt.timedelta(days=1)
        cells += [None] * (-len(cells) % 7)
        weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
        weeks = [week for week in weeks if any(week)]  # no empty rows before the start
        months.append(CalendarMonth(current, weeks))
        current = following
    return months


def mark_on(challenge: Challenge, day: dt.date) -> bool | None:
    return (
        ChallengeDay.objects.filter(challenge=challenge, date=day)
        .values_list("achieved", flat=True)
        .first()
    )
