"""The read side of 歩Fes.: every member query starts from the member's union or entry, so
another union's event or another team's row is a 404; the ranking pages read the snapshot
(EntryRank, TeamRank) in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kosmo.models import Person, Union
from wellness.walking.models import (
    Checkpoint,
    CheerStamp,
    Entry,
    EntryRank,
    Team,
    TeamRank,
    WalkingEvent,
)

RANKING_ROWS = 50
BANNER_SECONDS = 300


def today() -> dt.date:
    """Today in Japan (settings.TIME_ZONE is Asia/Tokyo)."""
    return timezone.localdate()


def events(union: Union) -> QuerySet[WalkingEvent]:
    return WalkingEvent.objects.filter(union=union, published=True)


def event_for_union(union: Union, pk: int) -> WalkingEvent:
    """The union's published event; another union's (or a hidden one) is a 404."""
    return get_object_or_404(events(union).select_related("course"), pk=pk)


def entry_of(event: WalkingEvent, person: Person) -> Entry | None:
    return Entry.objects.filter(event=event, person=person).select_related("team").first()


def entry_open_events(union: Union, day: dt.date) -> list[WalkingEvent]:
    """The union's events taking entries on `day` (the TOP page's 「エントリー受付中」 banner),
    cached per union and day."""
    key = f"walking:banner:{union.pk}:{day.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = list(
            events(union)
            .filter(entry_start__lte=day, entry_end__gte=day)
            .only("pk", "title", "entry_end")
        )
        cache.set(key, found, BANNER_SECONDS)
    return found


def forget_banner(union_id: int) -> None:
    """Called when staff change an event: the banner shows the change at once."""
    cache.delete(f"walking:banner:{union_id}:{today().isoformat()}")


def team_by_code(event: WalkingEvent, code: str) -> Team | None:
    return Team.objects.filter(event=event, code=code.strip().upper()).first()


def team_members(team: Team) -> list[Entry]:
    return list(team.members.select_related("rank").order_by("pk"))


def teammate(entry: Entry, pk: int) -> Entry:
    """A member of the entry's own team (not the entry itself); anyone else is a 404."""
    if entry.team_id is None:
        raise Entry.DoesNotExist
    return get_object_or_404(
        Entry.objects.filter(team_id=entry.team_id, event_id=entry.event_id).exclude(pk=entry.pk),
        pk=pk,
    )


def new_stamp_count(entry: Entry) -> int:
    return CheerStamp.objects.filter(recipient=entry, seen_at__isnull=True).count()


def received_stamps(entry: Entry) -> QuerySet[CheerStamp]:
    return CheerStamp.objects.filter(recipient=entry).select_related("sender")


def sent_stamps(entry: Entry) -> QuerySet[CheerStamp]:
    return CheerStamp.objects.filter(sender=entry).select_related("recipient")


# --- Ranking -----------------------------------------------------------------------------------


def individual_ranking(event: WalkingEvent, limit: int = RANKING_ROWS) -> list[EntryRank]:
    return list(
        EntryRank.objects.filter(event=event)
        .select_related("entry__team")
        .order_by("rank", "entry_id")[:limit]
    )


def team_ranking(event: WalkingEvent, limit: int = RANKING_ROWS) -> list[TeamRank]:
    return list(
        TeamRank.objects.filter(event=event)
        .select_related("team")
        .order_by("rank", "team_id")[:limit]
    )


def my_rank(entry: Entry | None) -> EntryRank | None:
    if entry is None:
        return None
    return EntryRank.objects.filter(entry=entry).first()


def my_team_rank(entry: Entry | None) -> TeamRank | None:
    if entry is None or entry.team_id is None:
        return None
    return TeamRank.objects.filter(team_id=entry.team_id).first()


def step_totals(event: WalkingEvent) -> dict[int, int]:
    """Each entrant's recorded steps on the event's days (start_on…end_on, both included),
    by person id, in one aggregate.

    wellness.records offers steps per person (`steps_between`); a ranking of every entrant
    needs one grouped sum instead of a query per entrant, so this reads its DailyRecord table
    directly, read-only, with the same item key."""
    return {person_id: int(total) for person_id, total in step_totals_query(event)}


def step_totals_query(event: WalkingEvent):
    """step_totals' one grouped query, (person id, total) rows (bench/walking_ranking.py
    explains it)."""
    from wellness.records.items import STEPS
    from wellness.records.models import DailyRecord

    return (
        DailyRecord.objects.filter(
            item_key=STEPS,
            date__range=(event.start_on, event.end_on),
            person_id__in=Entry.objects.filter(event=event).values("person_id"),
        )
        .values("person_id")
        .annotate(total=Sum("value"))
        .values_list("person_id", "total")
    )


def competition_ranks(totals: list[int]) -> list[int]:
    """Ranks for totals sorted high to low: equal totals share a rank and the next rank is
    skipped (100, 80, 80, 50 → 1, 2, 2, 4)."""
    ranks = []
    for position, total in enumerate(totals):
        if position and total == totals[position - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    return ranks


# --- Walking map -------------------------------------------------------------------------------


@dataclass
class MapPoint:
    name: str
    distance_km: Decimal
    x: int
    y: int
    reached: bool


@dataclass
class Progress:
    steps: int
    walked_km: Decimal
    total_km: Decimal
    points: list[MapPoint]
    marker_x: float
    marker_y: float
    goal_reached: bool

    @property
    def reached(self) -> list[MapPoint]:
        return [point for point in self.points if point.reached]

    @property
    def next_point(self) -> MapPoint | None:
        return next((point for point in self.points if not point.reached), None)

    @property
    def to_next_km(self) -> Decimal | None:
        upcoming = self.next_point
        return None if upcoming is None else upcoming.distance_km - self.walked_km

    @property
    def path(self) -> str:
        return " ".join(f"{point.x},{point.y}" for point in self.points)

    @property
    def percent(self) -> int:
        if not self.total_km:
            return 0
        return min(100, int(self.walked_km * 100 / self.total_km))


def walked_km(steps: int, stride_m: Decimal) -> Decimal:
    """Distance from steps × stride, in km to 2 places (rounded down: a checkpoint counts as
    reached only once it is really walked)."""
    return (Decimal(steps) * stride_m / 1000).quantize(Decimal("0.01"), rounding="ROUND_DOWN")


def progress(event: WalkingEvent, steps: int) -> Progress | None:
    """Where `steps` put the walker on the event's course: checkpoints at or before the walked
    distance are reached; the marker sits on the course line between the last and next one."""
    if event.course_id is None:
        return None
    checkpoints = list(Checkpoint.objects.filter(course_id=event.course_id))
    if not checkpoints:
        return None
    walked = walked_km(steps, event.stride_m)
    points = [
        MapPoint(cp.name, cp.distance_km, cp.x, cp.y, cp.distance_km <= walked)
        for cp in checkpoints
    ]
    total = points[-1].distance_km
    marker_x, marker_y = points[0].x, points[0].y
    for before, after in zip(points, points[1:], strict=False):
        if walked >= after.distance_km:
            marker_x, marker_y = after.x, after.y
            continue
        span = after.distance_km - before.distance_km
        share = float((walked - before.distance_km) / span) if span else 0.0
        share = max(0.0, share)
        marker_x = before.x + (after.x - before.x) * share
        marker_y = before.y + (after.y - before.y) * share
        break
    return Progress(
        steps=steps,
        walked_km=walked,
        total_km=total,
        points=points,
        marker_x=round(marker_x, 1),
        marker_y=round(marker_y, 1),
        goal_reached=walked >= total,
    )
