"""Request-throughput benchmarks of KOSMO Web: ``make bench`` (see bench/README.md).

Serves the portal with gunicorn on PostgreSQL (bench/server.py) and measures, with the same
load generator (bench/loadgen.py) against the same server, two suites:

* web: the demo union's top page against the trivial view, in interleaved rounds:
  ``healthz`` (GET /healthz: the cost of Django, gunicorn and the client), ``home_anonymous``
  (GET / for a visitor) and ``home_member`` (GET / for the demo member ``yamada_taro``);
* medical (bench/medical_suite.py): the medical pages of a synthetic union of 100,000 persons for
  2,000 random members against ``healthz`` (first on a union a tenth of the size, in its own
  database and gunicorn, so that the growth of a page's cost with the data is measured in the
  same run), then, with gunicorn stopped, the e-Tax XML per household-year and
  ``import_claims`` beside a raw COPY, checked against the issue's goals.

Members are signed in with sessions made server-side (bench/synthetic.py), since every login
now needs a second factor. Prints one table and writes the figures to
bench/results/latest.json. Exit status: 0 when every request succeeded (goals missed are
reported, not failures), 1 when any target had errors, 2 when the server, the data or the
sessions could not be set up, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import medical_suite
import wellness_import
from client import SignInError, check_signed_in, member_cookies
from loadgen import LoadResult, RoundsPlan, Target, run_rounds
from server import (
    PROJECT_DIR,
    GunicornConfig,
    RunningServer,
    ServerError,
    gunicorn,
    prepared_portal,
    server_log_tail,
)

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUTPUT = BENCH_DIR / "results" / "latest.json"
MEMBER_USERNAME = "yamada_taro"  # the demo member of `manage.py seed_demo`
UNION_HOST = "kosmo.localhost"  # the demo union "kosmo" is served at this host name
BASELINE = "healthz"
HEADLINE = "home_member"
# wellness: bench/wellness_import.py; roster: bench/import_persons.py;
# walking: bench/walking_ranking.py
SUITES = ("all", "web", "medical", "wellness", "roster", "walking")
SHOWN_PERCENTILES = (50, 95, 99)  # the table's columns; the JSON has p90 too
BUSY_WARNING = 0.05  # other work's share of the CPUs above which the table warns

EXIT_OK, EXIT_ERRORS, EXIT_SETUP_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line options; every one has a default, so plain ``run.py`` works."""
    parser = argparse.ArgumentParser(
        description="Measure KOSMO Web's top page and medical pages against the trivial "
        "/healthz view, the e-Tax XML and the claims import.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--requests", type=_positive, default=2000, help="requests per target")
    parser.add_argument("--concurrency", type=_positive, default=8, help="simultaneous connections")
    parser.add_argument(
        "--duration-limit",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds after which a target stops sending requests",
    )
    parser.add_argument(
        "--warmup", type=int, default=200, help="unmeasured requests per target first"
    )
    parser.add_argument(
        "--rounds",
        type=_positive,
        default=5,
        help="interleaved rounds the requests are split into (one target after the other)",
    )
    parser.add_argument("--workers", type=_positive, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="sync", help="gunicorn worker"
    )
    parser.add_argument(
        "--threads", type=_positive, default=4, help="threads per worker (gthread only)"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON results"
    )
    parser.add_argument(
        "--suite", choices=SUITES, default="all", help="which benchmarks to run (web first)"
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="only prepare the database and the synthetic union (see --scale, --regenerate)",
    )
    parser.add_argument(
        "--roster-rows",
        type=_positive,
        default=100_000,
        help="persons in the roster import benchmark (bench/import_persons.py)",
    )
    medical_suite.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.duration_limit <= 0:
        parser.error("--duration-limit must be positive")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    return args


def targets(session_id: str) -> list[Target]:
    """The three targets of the web suite, the baseline first."""
    host = {"Host": UNION_HOST}
    return [
        Target(BASELINE, "/healthz", host, "trivial view (plain 'ok')"),
        Target("home_anonymous", "/", host, "top page, visitor"),
        Target(
            HEADLINE,
            "/",
            {**host, "Cookie": member_cookies(session_id)},
            f"top page, signed-in member {MEMBER_USERNAME}",
        ),
    ]


def rounds_plan(args: argparse.Namespace) -> RoundsPlan:
    return RoundsPlan(
        requests=args.requests,
        concurrency=args.concurrency,
        rounds=args.rounds,
        warmup=args.warmup,
        duration_limit_s=args.duration_limit,
    )


def measure(server: RunningServer, args: argparse.Namespace, session_id: str) -> list[LoadResult]:
    """The web suite: check the member's session, then the three targets in rounds.

    Raises SignInError when the session does not open the signed-in top page.
    """
    check_signed_in(server.host, server.port, "/", session_id, UNION_HOST)
    return run_rounds(server.host, server.port, targets(session_id), rounds_plan(args), _say)


def with_ratios(results: list[LoadResult]) -> list[dict[str, object]]:
    """Each result's figures with its ratio to the baseline's req/s (the first result)."""
    baseline = next(r for r in results if r.target.name == BASELINE).requests_per_second
    entries = []
    for result in results:
        entry = result.summary()
        entry["ratio_to_baseline"] = (
            round(result.requests_per_second / baseline, 4) if baseline else None
        )
        entries.append(entry)
    return entries


def report(
    web: list[LoadResult],
    pages: list[LoadResult],
    in_process: dict,
    setup: medical_suite.MedicalSetup | None,
    server: RunningServer,
    args: argparse.Namespace,
    busy: dict[str, float],
    small: tuple[medical_suite.MedicalSetup, list[LoadResult]] | None = None,
) -> dict[str, object]:
    """The run as JSON-ready data: context, options, each suite with its ratios and goals."""
    data: dict[str, object] = {
        "benchmark": "requests",
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": _git_state(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            # CPU busy with other work while this benchmark sat idle, before and after the
            # load: above a few per cent, the req/s and latencies are not comparable.
            "busy_before_load": busy.get("before"),
            "busy_after_load": busy.get("after"),
        },
        "server": {
            "gunicorn": {
                "workers": server.config.workers,
                "worker_class": server.config.worker_class,
                "threads": server.config.threads,
            },
            "database": "postgresql",
        },
        "options": {
            "suite": args.suite,
            "requests": args.requests,
            "concurrency": args.concurrency,
            "duration_limit_s": args.duration_limit,
            "warmup": args.warmup,
            "rounds": args.rounds,
        },
        "baseline": BASELINE,
        "headline": HEADLINE,
        "targets": with_ratios(web) if web else [],
        "errors": sum(r.error_count for r in [*web, *pages]),
    }
    if setup is not None and pages:
        entries = with_ratios(pages)
        small_entries = with_ratios(small[1]) if small else None
        data["medical"] = {
            "options": {
                "scale": args.scale,
                "members": len(setup.member_sessions),
                "etax_samples": args.etax_samples,
                "profile_members": args.profile_members,
            },
            "dataset": setup.dataset,
            "union_host": setup.union_host,
            "etax_year": setup.etax_year,
            "targets": entries,
            **in_process,
            "goals": medical_suite.goals(entries, in_process, small_entries),
        }
        if small:
            data["medical"]["small_scale"] = {
                "scale": args.small_scale,
                "dataset": small[0].dataset,
                "targets": small_entries,
            }
    return data


def format_table(data: dict[str, object]) -> str:
    """The report as one fixed-width table, the in-process figures, the goals, the headline."""
    options = data["options"]
    gunicorn_options = data["server"]["gunicorn"]
    columns = ["req/s", *(f"p{pct} ms" for pct in SHOWN_PERCENTILES), "max ms", "errors", "ratio"]
    lines = []
    busy = [data["machine"][key] for key in ("busy_before_load", "busy_after_load")]
    if any(value is not None and value > BUSY_WARNING for value in busy):
        lines += [
            f"WARNING: other work kept the CPUs busy ({', '.join(f'{v:.0%}' for v in busy)} "
            "before and after the load, while this benchmark was idle): the figures below are "
            "not comparable with a run on a quiet machine.",
            "",
        ]
    lines += [
        f"{options['requests']} requests per target over {options['concurrency']} connections "
        f"in {options['rounds']} rounds (warm-up {options['warmup']}, "
        f"limit {options['duration_limit_s']:g}s); "
        f"gunicorn {gunicorn_options['worker_class']} x{gunicorn_options['workers']}, "
        f"PostgreSQL, {data['machine']['cpus']} CPUs",
        "",
        f"{'target':<22}{'path':<27}" + "".join(f"{c:>9}" for c in columns),
    ]
    if data["targets"]:
        lines.append(f"web: demo union (Host {UNION_HOST}), member {MEMBER_USERNAME}")
        lines += _table_rows(data["targets"])
    section = data.get("medical")
    if section:
        lines.append(
            f"medical: synthetic union (Host {section['union_host']}): "
            f"{medical_suite.describe_dataset(section['dataset'])}; "
            f"{section['options']['members']:,} members in turn"
        )
        lines += _table_rows(section["targets"])
        small = section.get("small_scale")
        if small:
            lines.append(
                f"medical at --scale {small['scale']:g} (its own database and gunicorn, "
                f"measured first): {medical_suite.describe_dataset(small['dataset'])}"
            )
            lines += _table_rows(small["targets"])
        lines += ["", *medical_suite.in_process_lines(section)]
        lines += ["", "Goals (issue):"]
        lines += [
            f"  {goal['goal']:<52}{goal['shown']:>12}  {'met' if goal['met'] else 'MISSED'}"
            for goal in section["goals"]
        ]
        home = next((e for e in data["targets"] if e["name"] == HEADLINE), None)
        if home and home["requests_per_second"]:
            # Every signed-in page pays for the session and the account; this compares the
            # medical pages with the cheapest signed-in page instead of the trivial view.
            home_rate = home["requests_per_second"]
            lines.append(
                f"  (for reference, req/s / {HEADLINE}'s: "
                + ", ".join(
                    f"{entry['name']} {entry['requests_per_second'] / home_rate:.2f}"
                    for entry in section["targets"]
                    if entry["name"] != BASELINE
                )
                + ")"
            )
    headline = next((e for e in data["targets"] if e["name"] == HEADLINE), None)
    if headline and headline["ratio_to_baseline"] is not None:
        lines += [
            "",
            f"Headline: the signed-in top page serves {headline['ratio_to_baseline']:.3f}x "
            f"the requests/s of the trivial view ({HEADLINE} / {BASELINE}).",
        ]
    return "\n".join(lines)


def _table_rows(entries: list[dict]) -> list[str]:
    lines = []
    for entry in entries:
        latency = entry["latency_ms"]
        cells = [
            f"{entry['requests_per_second']:.1f}",
            *(_ms(latency[f"p{pct}"]) for pct in SHOWN_PERCENTILES),
            _ms(latency["max"]),
            str(entry["errors"]),
            "-" if entry["ratio_to_baseline"] is None else f"{entry['ratio_to_baseline']:.3f}",
        ]
        lines.append(
            f"  {entry['name']:<20}{entry['path']:<27}" + "".join(f"{c:>9}" for c in cells)
        )
        if entry["hit_time_limit"]:
            lines.append(f"{'':<22}stopped by the time limit after {entry['ok_requests']} ok")
        if entry["errors"]:
            lines.append(f"{'':<22}errors: {entry['error_kinds']}")
    return lines


def write_json(data: dict[str, object], path: Path) -> None:
    """Write ``data`` to ``path`` (folders created), replacing any earlier file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".tmp")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)


def run_roster_import(args: argparse.Namespace) -> int:
    """bench/import_persons.py in a process of its own (it sets Django up on its database):
    one round of --roster-rows persons; its exit status."""
    command = [sys.executable, str(BENCH_DIR / "import_persons.py"), "--repeat", "1"]
    return subprocess.run([*command, "--rows", str(args.roster_rows)], check=False).returncode


def run_walking_ranking() -> int:
    """bench/walking_ranking.py in a process of its own (it sets Django up on its database):
    the 歩Fes. ranking refresh for 100,000 entrants; its exit status (1: goal missed)."""
    return subprocess.run(
        [sys.executable, str(BENCH_DIR / "walking_ranking.py")], check=False
    ).returncode


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; the exit status described in the module docstring."""
    args = parse_args(argv)
    if args.suite == "wellness":
        return wellness_import.main([])
    if args.suite == "roster":
        return run_roster_import(args)
    if args.suite == "walking":
        return run_walking_ranking()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so the server is stopped on `kill` too
    config = GunicornConfig(
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads if args.worker_class == "gthread" else 1,
    )
    run_web = args.suite in ("all", "web") and not args.generate_only
    run_medical = args.suite in ("all", "medical") or args.generate_only
    try:
        small = None
        if run_medical and args.small_scale and not args.generate_only:
            small = measure_small_scale(args, config)
        with prepared_portal() as portal:
            dataset = medical_suite.generate(portal, args) if run_medical else {}
            if args.generate_only:
                print(f"synthetic union ready: {medical_suite.describe_dataset(dataset)}")
                return EXIT_OK
            setup = medical_suite.sign_in(
                portal, args, dataset, usernames=(MEMBER_USERNAME,) if run_web else ()
            )
            web: list[LoadResult] = []
            pages: list[LoadResult] = []
            with gunicorn(portal, config) as server:
                _say(f"{server.config.describe()} serving at {server.base_url}")
                busy = {"before": machine_busy()}
                if run_web:
                    _say("web suite: the top page against /healthz")
                    web = measure(server, args, setup.named_sessions[MEMBER_USERNAME])
                if run_medical:
                    _say("medical suite: the medical pages against /healthz")
                    pages = medical_suite.measure_pages(server, setup, rounds_plan(args), _say)
                errors = sum(r.error_count for r in [*web, *pages])
                log_tail = server_log_tail(server) if errors else ""
                busy["after"] = machine_busy()
            in_process = (
                medical_suite.measure_in_process(portal, setup, args, _say) if pages else {}
            )
            data = report(
                web, pages, in_process, setup if run_medical else None, server, args, busy, small
            )
    except (ServerError, SignInError) as exc:
        print(f"bench: setup failed: {exc}", file=sys.stderr)
        return EXIT_SETUP_FAILED
    except KeyboardInterrupt:
        print("bench: interrupted (gunicorn, if started, has been stopped)", file=sys.stderr)
        return EXIT_INTERRUPTED

    print(format_table(data))
    write_json(data, args.output)
    print(f"\nResults written to {_shown_path(args.output)}")
    if "medical" in data and data["medical"].get("profile"):
        print(f"Query plans and profiles of the medical pages: {_shown_path(args.plans)}")
    if args.suite == "all":
        print()
        wellness_import.main([])  # the step import's rows/s and peak RSS (issue 21)
        print()
        run_roster_import(args)  # 加入者台帳: rows/s against COPY (issue 19)
        print()
        run_walking_ranking()  # 歩Fes.: the ranking refresh for 100,000 entrants (issue 23)
    if data["errors"]:
        print(f"\nbench: {data['errors']} requests failed", file=sys.stderr)
        if log_tail:
            print(f"end of the server log:\n{log_tail}", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def measure_small_scale(
    args: argparse.Namespace, config: GunicornConfig
) -> tuple[medical_suite.MedicalSetup, list[LoadResult]]:
    """The medical pages on a union of ``--small-scale`` (its own database, ``_small``), with
    their own gunicorn: the same rounds as at ``--scale``, for the growth of their cost."""
    with prepared_portal(database_suffix="_small") as portal:
        dataset = medical_suite.generate(portal, args, scale=args.small_scale)
        setup = medical_suite.sign_in(portal, args, dataset)
        with gunicorn(portal, config) as server:
            _say(f"medical suite at --scale {args.small_scale:g}: {server.base_url}")
            pages = medical_suite.measure_pages(server, setup, rounds_plan(args), _say)
    if any(result.error_count for result in pages):
        raise ServerError(f"requests failed at --scale {args.small_scale:g}")
    return setup, pages


def machine_busy(seconds: float = 1.0) -> float | None:
    """The share of CPU time the whole machine spent busy over ``seconds`` (Linux /proc/stat);
    called while the benchmark itself is idle, it is other work's share. None elsewhere."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]), idle  # user ... steal; guest time is already in user

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return round(1 - (idle_after - idle_before) / total, 3) if total > 0 else None


def _git_state() -> dict[str, object]:
    """The commit measured and whether the working tree had changes (best effort)."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    try:
        return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "-s"))}
    except OSError:
        return {"commit": None, "dirty": None}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
