"""Demo ミッション for `manage.py seed_demo`: daily missions and bonus missions for every union
that contracted ミッション (the rich kosmo, not the standard sakura), the defaults of the prizes
and ranks, and for 山田 太郎 of kosmo: this month's logins and rank (シルバー), today's steps and
weight missions cleared through the same service the records' event calls (so the points add
up in MYポイント), and today's scratch card with the coins of today's demo steps. ログインする and
健康記事を読む are left for the visitor, then 「ポイントくじを引く」.

Keyed by natural keys (titles, the person and the date), so a second run refreshes rows."""

from __future__ import annotations

import calendar
import datetime as dt

from kosmo.models import Person, Union
from wellness.missions import queries, rules, services
from wellness.missions.models import (
    Action,
    Activity,
    BonusClear,
    BonusMission,
    DailyClear,
    DailyMission,
    LotteryDraw,
    MonthlyRank,
    Rank,
    ScratchCard,
)

DAILY = [
    ("ログインする", Action.LOGIN, 0),
    ("歩数を記録する", Action.STEPS, 0),
    ("体重を記録する", Action.WEIGHT, 0),
    ("健康記事を読む", Action.ARTICLE, 0),
]
DEMO_UNION = "kosmo"
DEMO_MEMBER = ("10001", "00")


def _bonus(today: dt.date) -> list[dict]:
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    fiscal = today.year if today.month >= 4 else today.year - 1
    return [
        {
            "title": "今月は合計10万歩歩こう",
            "kind": BonusMission.Kind.LIMITED,
            "description": "期間中の記録歩数の合計が10万歩に届くと30ptを獲得できます。",
            "action": Action.STEPS,
            "target": 100_000,
            "points": 30,
            "start_on": today.replace(day=1),
            "end_on": month_end,
        },
        {
            "title": "健康記事を5日読もう",
            "kind": BonusMission.Kind.EVENT,
            "description": "MY HEALTH CLUBの記事を5日読むと10ptを獲得できます。",
            "action": Action.ARTICLE,
            "target": 5,
            "points": 10,
            "start_on": today - dt.timedelta(days=7),
            "end_on": today + dt.timedelta(days=21),
        },
        {
            "title": "1年間で150日ログインしよう",
            "kind": BonusMission.Kind.ANNUAL,
            "description": "年度内にログインした日数が150日に届くと100ptを獲得できます。",
            "action": Action.LOGIN,
            "target": 150,
            "points": 100,
            "start_on": dt.date(fiscal, 4, 1),
            "end_on": dt.date(fiscal + 1, 3, 31),
        },
    ]


def seed(unions: dict[str, Union]) -> list[str]:
    lines = []
    today = services.today()
    for union in unions.values():
        if not union.has_feature(services.FEATURE):
            continue
        for order, (title, action, threshold) in enumerate(DAILY):
            DailyMission.objects.update_or_create(
                union=union,
                title=title,
                defaults={"action": action, "threshold": threshold, "order": order},
            )
        bonus = _bonus(today)
        for row in bonus:
            BonusMission.objects.update_or_create(union=union, title=row.pop("title"), defaults=row)
        lines.append(
            f"  {union.name}: デイリーミッション {len(DAILY)} 件、"
            f"ボーナスミッション {len(bonus)} 件"
        )
    union = unions.get(DEMO_UNION)
    if union is None or not union.has_feature(services.FEATURE):
        return lines
    number, branch = DEMO_MEMBER
    person = Person.objects.filter(
        household__union=union, household__number=number, branch=branch
    ).first()
    if person is None:
        return lines
    _seed_member(person, today)
    coins = rules.coins_for(queries.steps_today(person, today))
    lines.append(
        f"  {person.full_name}: 今月のランク シルバー、デイリーミッション 2 件クリア、"
        f"スクラッチカード (コイン {coins} 枚)"
    )
    return lines


def _seed_member(person: Person, today: dt.date) -> None:
    for model in (Activity, DailyClear, LotteryDraw, ScratchCard, BonusClear, MonthlyRank):
        model.objects.filter(person=person).delete()
    month = today.replace(day=1)
    last_month = services.previous_month(month)
    # Logins: 12 days of last month (→ this month's シルバー), every other day of this month
    # before today (today's is the visitor's own login).
    logins = [last_month + dt.timedelta(days=2 * index) for index in range(12)]
    logins += [month + dt.timedelta(days=offset) for offset in range(0, (today - month).days, 2)]
    Activity.objects.bulk_create(
        [Activity(person=person, action=Action.LOGIN, date=day) for day in logins]
    )
    MonthlyRank.objects.create(person=person, month=month, rank=Rank.SILVER, login_days=12)
    # Today's steps and weight are in the demo records: the missions clear as the records'
    # event would clear them.
    services.record_activity(person=person, action=Action.STEPS, on=today)
    services.record_activity(person=person, action=Action.WEIGHT, on=today)
    # Today's card with the coins of today's demo steps, all left for the visitor.
    services.card_for(person, today)
