"""The medical benchmark's in-process measurements, run in a child process with Django set up.

    python bench/medical_inprocess.py etax [--samples 200]
    python bench/medical_inprocess.py profile [--members 100] [--plans FILE]
    python bench/medical_inprocess.py import [--rows 1000000] [--copy-repeat 3]

Run by bench/medical_suite.py with the portal's environment; each command prints one JSON
object as the last line of its stdout and its progress on stderr.

``etax`` — the e-Tax XML of random household-years of the synthetic union (bench/synthetic.py)
with at least one claim: ``build_notice`` (the claims query), then ``notice_xml`` (build,
sign, validate against the schema, serialise), each timed; the per-household-year figure is
their sum, what the 「XMLデータダウンロード」 view spends besides the request itself.

``profile`` — each measured page rendered in this process (Django's test client) for
``--members`` of the members signed in by ``synthetic.py sessions``: time, queries and their
SQL time per page, then EXPLAIN (ANALYZE, BUFFERS) of every query of the slowest of them,
written to ``--plans``.

``import`` — ``manage.py import_claims`` on a generated file of ``--rows`` claims beside a raw
COPY of the same file into a plain table, in the same run; then the rows the import produced
COPYed straight into the empty ``medical_claim`` (indexes, checks, foreign keys): the floor for
that table. The database, union, file and COPY steps are bench/import_claims.py's (its own
database ``kosmo_bench_imports``): this runs the command itself (``call_command``, so without
the interpreter's start-up) where that script calls the import function, and times its phases
with that script's timers.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    etax = commands.add_parser("etax", help="e-Tax XML per household-year")
    etax.add_argument("--samples", type=int, default=200)
    etax.add_argument("--seed", type=int, default=1)
    profile = commands.add_parser("profile", help="pages in-process, and their query plans")
    profile.add_argument("--members", type=int, default=100)
    profile.add_argument("--path", action="append", default=[], metavar="NAME=PATH")
    profile.add_argument(
        "--anonymous-path", action="append", default=[], metavar="NAME=PATH", help="no session"
    )
    profile.add_argument("--plans", type=Path, help="write EXPLAIN ANALYZE output here")
    imports = commands.add_parser("import", help="import_claims beside a raw COPY")
    imports.add_argument("--rows", type=int, default=1_000_000)
    imports.add_argument("--copy-repeat", type=int, default=3)
    args = parser.parse_args(argv)

    if args.command == "import":
        result = measure_import(rows=args.rows, copy_repeat=args.copy_repeat)
    else:
        setup_django()
        if args.command == "etax":
            result = measure_etax(samples=args.samples, seed=args.seed)
        else:
            pages = [(*item.split("=", 1), True) for item in args.path]
            pages += [(*item.split("=", 1), False) for item in args.anonymous_path]
            result = profile_pages(pages, members=args.members, plans=args.plans)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def setup_django() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kosmo.settings")
    import django

    django.setup()


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def summary_ms(values: list[float]) -> dict[str, float]:
    """Median, p95 (nearest rank), max and mean of durations given in seconds, in ms."""
    ordered = sorted(values)
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
    return {
        "median": round(statistics.median(ordered) * 1000, 2),
        "p95": round(p95 * 1000, 2),
        "max": round(ordered[-1] * 1000, 2),
        "mean": round(statistics.fmean(ordered) * 1000, 2),
    }


# --- e-Tax XML ----------------------------------------------------------------------------------


def measure_etax(*, samples: int, seed: int) -> dict:
    """Time the signed TEG700 of `samples` random household-years (last full year)."""
    from django.db import connection, reset_queries
    from synthetic import UNION_SLUG

    from accounts.models import User
    from kosmo.models import Person, Union
    from medical import etax
    from medical.models import Claim

    union = Union.objects.get(slug=UNION_SLUG)
    year = etax.offered_years()[0]
    households = list(
        Claim.objects.filter(
            household__union=union,
            service_month__gte=f"{year}-01-01",
            service_month__lte=f"{year}-12-01",
        )
        .values_list("household_id", flat=True)
        .distinct()
        .order_by("household_id")
    )
    chosen = random.Random(seed).sample(households, min(samples, len(households)))
    # The insured person's view of the household; build_notice needs only `user.person`, so
    # an unsaved account stands in for those who have none.
    users = [
        User(person=person, union=union)
        for person in Person.objects.filter(
            household_id__in=chosen, role=Person.Role.INSURED
        ).select_related("household__union")
    ]
    credential = etax.signing_credential(union)
    etax.union_state(union)  # cached for an hour in the server too
    etax.teg700_schema()  # parsed once per process
    etax.notice_xml(etax.build_notice(users[0], year=year), credential=credential)  # warm
    query_s, xml_s, total_s, lines, sizes = [], [], [], [], []
    for user in users:
        started = time.perf_counter()
        notice = etax.build_notice(user, year=year)
        built = time.perf_counter()
        content = etax.notice_xml(notice, credential=credential)
        done = time.perf_counter()
        query_s.append(built - started)
        xml_s.append(done - built)
        total_s.append(done - started)
        lines.append(len(notice.lines))
        sizes.append(len(content))
    reset_queries()
    # Where the time of the biggest notice goes: build, sign, validate and serialise apart.
    biggest = max(users, key=lambda u: lines[users.index(u)])
    notice = etax.build_notice(biggest, year=year)
    steps = _xml_steps(notice, credential)
    median = summary_ms(total_s)["median"]
    say(f"e-Tax XML: {len(users)} household-years of {year}, median {median} ms")
    return {
        "year": year,
        "samples": len(users),
        "database": connection.vendor,
        "per_household_year_ms": summary_ms(total_s),
        "build_notice_ms": summary_ms(query_s),
        "notice_xml_ms": summary_ms(xml_s),
        "lines": {
            "median": statistics.median(lines),
            "max": max(lines),
            "mean": round(statistics.fmean(lines), 1),
        },
        "xml_bytes_median": int(statistics.median(sizes)),
        "biggest_notice": {"lines": len(notice.lines), "steps_ms": steps},
    }


def _xml_steps(notice, credential, repeat: int = 5) -> dict[str, float]:
    """The parts of `notice_xml` for one notice, each the median of `repeat` runs, in ms."""
    from django.utils import timezone
    from lxml import etree

    from medical import etax

    timings: dict[str, list[float]] = {"build": [], "sign": [], "validate": [], "serialise": []}
    for _ in range(repeat):
        started = time.perf_counter()
        root = etax.build_xml(notice, now=timezone.now())
        built = time.perf_counter()
        signed = etax.sign_xml(root, credential)
        signed_at = time.perf_counter()
        etax.teg700_schema().assertValid(signed)
        validated = time.perf_counter()
        etree.tostring(signed, encoding="UTF-8")
        done = time.perf_counter()
        timings["build"].append(built - started)
        timings["sign"].append(signed_at - built)
        timings["validate"].append(validated - signed_at)
        timings["serialise"].append(done - validated)
    return {step: round(statistics.median(values) * 1000, 2) for step, values in timings.items()}


# --- Pages in-process, and their plans ----------------------------------------------------------


def profile_pages(pages: list[tuple[str, str, bool]], *, members: int, plans: Path | None) -> dict:
    """Render each page (name, path, signed in?) with the test client once per member of
    `members` (signed in as that member, or anonymously): time, queries and SQL time; then,
    into `plans`, the plans of the queries of each page's slowest rendering and where a
    rendering's time goes (cProfile of all of them)."""
    from django.contrib.sessions.models import Session
    from synthetic import SESSION_PREFIX

    keys = list(
        Session.objects.filter(session_key__startswith=SESSION_PREFIX)
        .order_by("session_key")
        .values_list("session_key", flat=True)
    )
    keys = [key for key in keys if _is_synthetic_member(key)][:members]
    if not keys:
        raise SystemExit("no sessions: run `synthetic.py sessions` first")
    results = {}
    report = []
    for name, path, signed_in in pages:
        results[name], page_report = _profile_page(
            name, path, keys if signed_in else None, len(keys)
        )
        report.append(page_report)
    if plans is not None:
        plans.parent.mkdir(parents=True, exist_ok=True)
        plans.write_text("\n".join(report), encoding="utf-8")
    return {"pages": results, "plans": str(plans) if plans else None}


def _profile_page(name: str, path: str, keys: list[str] | None, count: int) -> tuple[dict, str]:
    """One page `count` times, with each session of `keys` in turn (None: anonymously)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from synthetic import UNION_HOST

    client = Client(HTTP_HOST=UNION_HOST)
    sessions = keys or [None] * count

    def get(key: str | None):
        if key is not None:
            client.cookies["sessionid"] = key
        return client.get(path)

    get(sessions[0])  # warm-up: templates compiled, caches filled
    times, cpu_times, sql_times, counts = [], [], [], []
    slowest: tuple[float, list] = (0.0, [])
    for key in sessions:
        recorder = _QueryRecorder()
        with connection.execute_wrapper(recorder):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = get(key)
            elapsed = time.perf_counter() - started
            cpu_times.append(time.process_time() - cpu_started)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in-process")
        times.append(elapsed)
        sql_times.append(sum(duration for _sql, duration in recorder.queries))
        counts.append(len(recorder.queries))
        if elapsed > slowest[0]:
            slowest = (elapsed, recorder.queries)
    profiler = cProfile.Profile()  # a second pass: the profiler slows the first one down
    for key in sessions:
        profiler.runcall(get, key)
    result = {
        "path": path,
        "signed_in": keys is not None,
        "renderings": len(times),
        "view_ms": summary_ms(times),
        # This process's CPU only: no waiting for PostgreSQL or Redis, and much less moved by
        # other work on the machine than the wall-clock time.
        "cpu_ms": summary_ms(cpu_times),
        "sql_ms": summary_ms(sql_times),
        "queries": {"min": min(counts), "max": max(counts)},
        "profile_shares": _breakdown(pstats.Stats(profiler)),
    }
    report = [
        _plans(name, path, slowest),
        f"--- {name}: where the time goes (cProfile of {len(sessions)} renderings; shares of "
        "the request, nested parts overlap)",
        *(f"  {part:<62}{share * 100:5.1f} %" for part, share in result["profile_shares"].items()),
        "",
    ]
    for order in ("cumulative", "tottime"):
        stats = io.StringIO()
        pstats.Stats(profiler, stream=stats).sort_stats(order).print_stats(30)
        report.append(f"--- {name}: cProfile by {order}\n{stats.getvalue()}")
    return result, "\n".join(report)


def _breakdown(stats) -> dict[str, float]:
    """Cumulative time of the main parts of a request, as shares of the whole request."""
    from django.contrib import auth
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.handlers.base import BaseHandler
    from django.db.backends.utils import CursorWrapper
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.backends.django import Template
    from django.urls import base as urls

    def cumulative(function) -> float:
        code = function.__code__
        entry = stats.stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        return entry[3] if entry else 0.0

    total = cumulative(BaseHandler.get_response) or 1.0
    parts = {
        "template rendering (incl. queries run from the template)": cumulative(Template.render),
        "SQL: execute and wait for PostgreSQL (psycopg)": cumulative(CursorWrapper.execute),
        "ORM: compiling querysets to SQL": cumulative(SQLCompiler.as_sql),
        "session: load and decode": cumulative(SessionStore.load),
        "auth: get_user (the account query, session hash check)": cumulative(auth.get_user),
        "URL reversing ({% url %}, reverse)": cumulative(urls.reverse),
    }
    return {part: round(seconds / total, 4) for part, seconds in parts.items()}


class _QueryRecorder:
    """A connection.execute_wrapper keeping each query as sent and its time (perf_counter)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        from django.db import connection

        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            duration = time.perf_counter() - started
            sent = connection.ops.last_executed_query(context["cursor"], sql, params)
            self.queries.append((sent, duration))


def _is_synthetic_member(key: str) -> bool:
    from django.contrib.sessions.backends.db import SessionStore
    from synthetic import UNION_SLUG

    from accounts.models import User

    user_id = SessionStore(key).get("_auth_user_id")
    return User.objects.filter(pk=user_id, union__slug=UNION_SLUG).exists()


def _plans(name: str, path: str, slowest: tuple[float, list]) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of each SELECT of the slowest rendering of a page."""
    from django.db import connection

    elapsed, queries = slowest
    sql_ms = sum(duration for _sql, duration in queries) * 1000
    out = [
        f"=== {name} {path}: slowest rendering {elapsed * 1000:.1f} ms, "
        f"{len(queries)} queries, {sql_ms:.1f} ms in them"
    ]
    with connection.cursor() as cursor:
        for number, (sql, duration) in enumerate(queries, 1):
            out.append(f"\n--- query {number} ({duration * 1000:.2f} ms)\n{sql}")
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            out += [row[0] for row in cursor.fetchall()]
    return "\n".join(out) + "\n"


# --- import_claims beside a raw COPY -----------------------------------------------------------


def measure_import(*, rows: int, copy_repeat: int) -> dict:
    """`manage.py import_claims` (in-process) and a raw COPY of the same generated file."""
    sys.path.insert(0, str(BENCH_DIR))
    import import_claims as imports_bench  # bench/import_claims.py: its database, union, file

    url = os.environ.get("BENCH_IMPORTS_DATABASE_URL", imports_bench.DEFAULT_URL)
    imports_bench.create_database(url)
    os.environ["DATABASE_URL"] = url
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    say("import: preparing the union of bench/import_claims.py")
    union = imports_bench.prepare_union()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / f"claims-{rows}.csv"
        started = time.perf_counter()
        imports_bench.write_claims(path, rows, union)
        say(f"import: {rows:,}-row file written ({time.perf_counter() - started:.0f}s)")
        size = path.stat().st_size
        copy_s = []
        for _ in range(copy_repeat):
            started = time.perf_counter()
            imports_bench.raw_copy(path)
            copy_s.append(time.perf_counter() - started)
        imports_bench.truncate_claims()  # the import adds new months to an empty table
        phases = imports_bench.phase_timers()  # where the import's time goes
        output = io.StringIO()
        started = time.perf_counter()
        call_command("import_claims", str(path), union=union.slug, force=True, stdout=output)
        import_s = time.perf_counter() - started
    from medical.models import Claim

    imported = Claim.objects.filter(household__union=union).count()
    if imported != rows:
        raise SystemExit(f"import_claims kept {imported:,} of {rows:,} rows:\n{output.getvalue()}")
    # The floor for this table: the rows the import produced, COPYed straight into the empty
    # medical_claim with its indexes, checks and foreign keys (bench/import_claims.py's step).
    produced = imports_bench.imported_rows()
    imports_bench.truncate_claims()
    started = time.perf_counter()
    imports_bench.copy_into_claims(produced)
    copy_into_table_s = time.perf_counter() - started
    copy_median = statistics.median(copy_s)
    say(f"import: raw COPY {copy_median:.1f}s, import_claims {import_s:.1f}s")
    return {
        "database": url.rsplit("/", 1)[1],
        "rows": rows,
        "file_mb": round(size / 1e6, 1),
        "raw_copy_s": [round(s, 2) for s in copy_s],
        "raw_copy_rows_per_s": round(rows / copy_median),
        "import_s": round(import_s, 2),
        "import_rows_per_s": round(rows / import_s),
        "ratio_to_raw_copy": round(copy_median / import_s, 4),
        "copy_into_medical_claim_s": round(copy_into_table_s, 2),
        "ratio_to_copy_into_medical_claim": round(copy_into_table_s / import_s, 4),
        "import_phases_s": {
            **{label: round(seconds, 2) for label, seconds in phases.items()},
            "the rest: persons, batch row, COMMIT": round(import_s - sum(phases.values()), 2),
        },
        "command_output": output.getvalue().strip().splitlines()[:5],
    }


if __name__ == "__main__":
    sys.exit(main())
