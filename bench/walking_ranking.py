"""歩Fes.: the ranking refresh (`wellness.walking.tasks.refresh_rankings`, the beat task) for
an event of 100,000 entrants, on PostgreSQL (issue 23).

    .venv/bin/python bench/walking_ranking.py                  # 100,000 entrants, 3 rounds
    .venv/bin/python bench/walking_ranking.py --entrants 10000 --repeat 1
    make bench BENCH_ARGS="--suite walking"                     # the same, from bench/run.py

It uses its own database (`kosmo_n`, created and migrated if missing; set
BENCH_WALKING_DATABASE_URL for another PostgreSQL one). The union `bench-walking` gets
`--entrants` persons, all entered in one event of `--days` days ending today, nine in ten of
them in teams of up to 10; each entrant has a step count (0–20,000) for every day of the event
and for the `--days` days before it (which the ranking must leave out). The rows are made by
INSERT … SELECT generate_series in one transaction, then VACUUM ANALYZEd; they are kept, and
made again only when the sizes change.

Each round runs the real task function (every event under way: here the one event) and
times it, and the grouped sum of steps (`queries.step_totals`) alone. The EXPLAIN ANALYZE of
that grouped sum is printed. Goal: the whole refresh < 10 s. Figures go to
bench/results/wellness_walking_ranking.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kosmo_n"
SLUG = "bench-walking"
TITLE = "ベンチ歩Fes."
GOAL_SECONDS = 10.0
TEAM_SIZE = 10


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def generate(entrants: int, days: int) -> dict:
    """The bench union, its event and entrants with their steps (kept when the sizes match)."""
    from django.db import connection, transaction

    from kosmo.insurer_numbers import check_digit
    from wellness.records.items import STEPS
    from wellness.walking import queries
    from wellness.walking.models import Entry, WalkingEvent

    today = queries.today()
    start = today - dt.timedelta(days=days - 1)
    event = WalkingEvent.objects.filter(union__slug=SLUG, title=TITLE).first()
    if (
        event
        and Entry.objects.filter(event=event).count() == entrants
        and (event.end_on - event.start_on).days + 1 == days
    ):
        WalkingEvent.objects.filter(pk=event.pk).update(
            start_on=start, end_on=today, entry_start=start, entry_end=start
        )
        shift = (today - event.end_on).days
        if shift:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE wellness_records_dailyrecord SET date = date + %s", [shift])
        return {"generated_s": 0.0, "kept": True}
    from kosmo.models import Union

    began = time.perf_counter()
    say(f"generating {entrants:,} entrants × {2 * days} days of steps …")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE wellness_records_dailyrecord, wellness_walking_entryrank,"
            " wellness_walking_teamrank, wellness_walking_cheerstamp, wellness_walking_entry,"
            " wellness_walking_team, wellness_walking_walkingevent, kosmo_person,"
            " kosmo_household CASCADE"
        )
        union, _ = Union.objects.update_or_create(
            slug=SLUG,
            defaults={
                "insurer_number": f"0699998{check_digit('0699998')}",
                "name": "ベンチ健保（歩Fes.）",
            },
        )
        event = WalkingEvent.objects.create(
            union=union,
            title=TITLE,
            entry_start=start,
            entry_end=start,
            start_on=start,
            end_on=today,
            team_size=TEAM_SIZE,
        )
        cursor.execute(
            "INSERT INTO kosmo_household (union_id, symbol, number)"
            " SELECT %s, '1', lpad(n::text, 8, '0') FROM generate_series(1, %s) n",
            [union.pk, entrants],
        )
        cursor.execute(
            "INSERT INTO kosmo_person (household_id, branch, role, relationship, family_name,"
            " given_name, family_name_kana, given_name_kana, sex, birth_date, qualified_on,"
            " postal_code, address, email)"
            " SELECT id, '00', 'insured', 'self', '歩', '太郎', 'アユミ', 'タロウ', '1',"
            " DATE '1980-01-01', DATE '2000-04-01', '', '', ''"
            " FROM kosmo_household WHERE union_id = %s",
            [union.pk],
        )
        teams = entrants * 9 // 10 // TEAM_SIZE
        cursor.execute(
            "INSERT INTO wellness_walking_team (event_id, name, emblem, code, created_at)"
            " SELECT %s, 'チーム' || n, '★', lpad(n::text, 8, '0'), now()"
            " FROM generate_series(1, %s) n",
            [event.pk, teams],
        )
        cursor.execute(
            "INSERT INTO wellness_walking_entry (event_id, person_id, nickname, team_id, token,"
            " entered_at)"
            " SELECT %s, p.id, 'あるく' || p.id,"
            " (SELECT min(id) FROM wellness_walking_team WHERE event_id = %s)"
            " + (row_number() OVER (ORDER BY p.id) - 1) / %s,"
            " md5(p.id::text)::uuid, now()"
            " FROM kosmo_person p JOIN kosmo_household h ON h.id = p.household_id"
            " WHERE h.union_id = %s",
            [event.pk, event.pk, TEAM_SIZE, union.pk],
        )
        cursor.execute(
            "UPDATE wellness_walking_entry SET team_id = NULL WHERE event_id = %s AND team_id >"
            " (SELECT max(id) FROM wellness_walking_team WHERE event_id = %s)",
            [event.pk, event.pk],
        )
        cursor.execute(
            "INSERT INTO wellness_records_dailyrecord (person_id, item_key, date, value, source,"
            " updated_at)"
            " SELECT e.person_id, %s, d::date, floor(random() * 20001), 'manual', now()"
            " FROM wellness_walking_entry e"
            " CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') d"
            " WHERE e.event_id = %s",
            [STEPS, start - dt.timedelta(days=days), today, event.pk],
        )
    with connection.cursor() as cursor:
        for table in (
            "wellness_records_dailyrecord",
            "wellness_walking_entry",
            "wellness_walking_team",
            "kosmo_person",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {"generated_s": round(time.perf_counter() - began, 1), "kept": False}


def explain(event) -> str:
    from wellness.walking import queries

    return queries.step_totals_query(event).explain(analyze=True, buffers=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entrants", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30, help="days of the event")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_WALKING_DATABASE_URL", DEFAULT_URL)
    create_database(url)
    os.environ.update(DATABASE_URL=url, DEBUG="false", DJANGO_SETTINGS_MODULE="kosmo.settings")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from wellness.records.models import DailyRecord
    from wellness.walking import queries, tasks
    from wellness.walking.models import EntryRank, TeamRank, WalkingEvent

    dataset = generate(args.entrants, args.days)
    event = WalkingEvent.objects.get(union__slug=SLUG, title=TITLE)
    dataset |= {
        "entrants": args.entrants,
        "days": args.days,
        "daily_records": DailyRecord.objects.count(),
    }
    refresh, grouped = [], []
    for _ in range(args.repeat):
        began = time.perf_counter()
        ranked = tasks.refresh_rankings()
        refresh.append(time.perf_counter() - began)
        began = time.perf_counter()
        totals = queries.step_totals(event)
        grouped.append(time.perf_counter() - began)
    individual = EntryRank.objects.filter(event=event).count()
    teams = TeamRank.objects.filter(event=event).count()
    plan = explain(event)
    median = statistics.median(refresh)
    made = ", data kept" if dataset["kept"] else f", generated in {dataset['generated_s']} s"
    met = median < GOAL_SECONDS and individual == args.entrants and ranked == 1
    print(
        f"歩Fes. ranking refresh ({args.entrants:,} entrants, {teams:,} teams, "
        f"{dataset['daily_records']:,} daily step rows, {args.days}-day event"
        f"{made})\n"
        f"  tasks.refresh_rankings: median {median:.2f} s, fastest {min(refresh):.2f} s "
        f"({args.repeat} rounds); goal < {GOAL_SECONDS:g} s: {'met' if met else 'MISSED'}\n"
        f"  of which the grouped sum (queries.step_totals, {len(totals):,} totals): "
        f"median {statistics.median(grouped):.2f} s\n"
        f"  ranked {individual:,} entries and {teams:,} teams\n"
        f"EXPLAIN ANALYZE of the grouped sum:\n{plan}"
    )
    output = ROOT / "bench" / "results" / "wellness_walking_ranking.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "dataset": dataset,
                "refresh_s": refresh,
                "step_totals_s": grouped,
                "ranked_entries": individual,
                "ranked_teams": teams,
                "goal_s": GOAL_SECONDS,
                "met": met,
                "plan": plan,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
