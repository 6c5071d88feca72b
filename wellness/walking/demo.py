"""Demo 歩Fes. for `manage.py seed_demo`, on unions that contracted ウォーキングキャンペーン
(the rich kosmo; nothing on the standard sakura): a course along the old 東海道, an event under
way (started 10 days ago) whose entrants are the demo members with an account — their steps
come from the 日々の記録 demo — in two teams with a ranking already computed and a new cheer
stamp for 山田 太郎, and a second event taking entries today, so the TOP page shows its
「エントリー受付中」 banner.

Keyed by natural keys (the course's and the events' titles), so a second run on another day
moves the dates along instead of adding rows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from kosmo.models import Person, Union
from wellness.walking import queries, services
from wellness.walking.models import (
    Checkpoint,
    CheerStamp,
    Course,
    Emblem,
    Entry,
    Stamp,
    Team,
    WalkingEvent,
)

FEATURE = "walking"
COURSE = "東海道ウォーク 日本橋〜箱根"
CHECKPOINTS = [
    ("日本橋", "0", 80, 80),
    ("品川", "7.8", 200, 160),
    ("川崎", "17.6", 300, 250),
    ("横浜", "29.5", 380, 360),
    ("戸塚", "41.8", 500, 420),
    ("藤沢", "49.6", 610, 400),
    ("平塚", "62.9", 720, 460),
    ("小田原", "82.5", 830, 500),
    ("箱根", "99.1", 930, 420),
]
ACTIVE = "歩Fes. 2026 秋"
UPCOMING = "歩Fes. 2027 新春"
# (household number, branch): (nickname, team name, emblem)
ENTRANTS = {
    ("10001", "00"): ("たろう", "チーム山田", Emblem.SHOE),
    ("10001", "01"): ("はなこ", "チーム山田", Emblem.SHOE),
    ("10002", "00"): ("ケン", "佐藤ウォーカーズ", Emblem.STAR),
    ("10002", "01"): ("みさき", "佐藤ウォーカーズ", Emblem.STAR),
}
TEAM_CODES = {"チーム山田": "YMDA2026", "佐藤ウォーカーズ": "SATO2026"}


def seed(unions: dict[str, Union]) -> list[str]:
    lines = []
    today = queries.today()
    for union in unions.values():
        if not union.has_feature(FEATURE):
            continue
        course = _seed_course(union)
        active = _seed_event(
            union,
            ACTIVE,
            course,
            entry=(today - dt.timedelta(days=30), today - dt.timedelta(days=11)),
            event=(today - dt.timedelta(days=10), today + dt.timedelta(days=20)),
        )
        _seed_event(
            union,
            UPCOMING,
            course,
            entry=(today - dt.timedelta(days=3), today + dt.timedelta(days=14)),
            event=(today + dt.timedelta(days=21), today + dt.timedelta(days=50)),
        )
        entrants = _seed_entrants(union, active)
        entries, teams = services.refresh_rankings(event=active)
        queries.forget_banner(union.pk)
        lines.append(
            f"  {union.name}: 歩Fes. 「{ACTIVE}」開催中 ({entrants}人、チーム{teams}、"
            f"ランキング{entries}人)、「{UPCOMING}」エントリー受付中"
        )
    return lines


def _seed_course(union: Union) -> Course:
    course, _ = Course.objects.get_or_create(union=union, name=COURSE)
    course.checkpoints.all().delete()
    Checkpoint.objects.bulk_create(
        Checkpoint(course=course, name=name, distance_km=Decimal(km), x=x, y=y)
        for name, km, x, y in CHECKPOINTS
    )
    return course


def _seed_event(union, title, course, *, entry, event) -> WalkingEvent:
    walk, _ = WalkingEvent.objects.update_or_create(
        union=union,
        title=title,
        defaults={
            "description": "期間中の歩数で、個人・チームの順位を競います。"
            "東海道を日本橋から箱根まで歩きましょう。",
            "entry_start": entry[0],
            "entry_end": entry[1],
            "start_on": event[0],
            "end_on": event[1],
            "team_battle": True,
            "team_size": 5,
            "stride_m": Decimal("0.70"),
            "course": course,
            "published": True,
        },
    )
    return walk


def _seed_entrants(union: Union, walk: WalkingEvent) -> int:
    Entry.objects.filter(event=walk).delete()
    Team.objects.filter(event=walk).delete()
    teams: dict[str, Team] = {}
    entries = []
    for (number, branch), (nickname, team_name, emblem) in ENTRANTS.items():
        person = Person.objects.filter(
            household__union=union, household__number=number, branch=branch
        ).first()
        if person is None:
            continue
        if team_name not in teams:
            teams[team_name] = Team.objects.create(
                event=walk,
                name=team_name,
                emblem=emblem,
                code=TEAM_CODES[team_name] if union.slug == "kosmo" else services.new_code(),
            )
        entries.append(
            Entry.objects.create(
                event=walk,
                person=person,
                nickname=nickname,
                team=teams[team_name],
                token=uuid.uuid4(),
                entered_at=dt.datetime.combine(walk.entry_start, dt.time(9), tzinfo=dt.UTC),
            )
        )
    if len(entries) >= 2 and entries[0].team_id == entries[1].team_id:
        CheerStamp.objects.create(
            event=walk, sender=entries[1], recipient=entries[0], stamp=Stamp.FIGHT
        )
        CheerStamp.objects.create(
            event=walk, sender=entries[0], recipient=entries[1], stamp=Stamp.THANKS
        )
    return len(entries)
