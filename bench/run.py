"""Request-throughput benchmark of KOSMO Web: ``make bench`` (see bench/README.md).

Serves the portal with gunicorn on PostgreSQL (bench/server.py), signs the demo member
``yamada_taro`` in (bench/client.py), then measures three targets in interleaved rounds with
the same load generator (bench/loadgen.py) against the same server:

* ``healthz``         GET /healthz, the trivial view: the cost of Django, gunicorn and the client;
* ``home_anonymous``  GET / for a visitor;
* ``home_member``     GET / for the signed-in member.

Prints a table and writes the figures to bench/results/latest.json. Exit status: 0 when every
request succeeded, 1 when any target had errors, 2 when the server or sign-in could not be set
up, 130 when interrupted.
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
from pathlib import Path
from types import FrameType

from client import SignInError, sign_in
from loadgen import PERCENTILES, LoadResult, Target, merge, run_load
from server import (
    PROJECT_DIR,
    GunicornConfig,
    RunningServer,
    ServerError,
    serve_portal,
    server_log_tail,
)

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUTPUT = BENCH_DIR / "results" / "latest.json"
MEMBER_USERNAME = "yamada_taro"
MEMBER_PASSWORD = "Kosmo-demo-2026"  # the demo password of `manage.py seed_demo`
UNION_HOST = "127.0.0.1"  # the demo union "kosmo" is served at this host name
BASELINE = "healthz"
HEADLINE = "home_member"

EXIT_OK, EXIT_ERRORS, EXIT_SETUP_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line options; every one has a default, so plain ``run.py`` works."""
    parser = argparse.ArgumentParser(
        description="Measure KOSMO Web's top page against the trivial /healthz view.",
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
    args = parser.parse_args(argv)
    if args.duration_limit <= 0:
        parser.error("--duration-limit must be positive")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    return args


def targets(session_id: str) -> list[Target]:
    """The three measured targets, the baseline first."""
    host = {"Host": UNION_HOST}
    return [
        Target(BASELINE, "/healthz", host, "trivial view (plain 'ok')"),
        Target("home_anonymous", "/", host, "top page, visitor"),
        Target(
            HEADLINE,
            "/",
            {**host, "Cookie": f"sessionid={session_id}"},
            f"top page, signed-in member {MEMBER_USERNAME}",
        ),
    ]


def measure(server: RunningServer, args: argparse.Namespace) -> list[LoadResult]:
    """Sign the member in, warm every target up, then measure them in interleaved rounds.

    Each target's ``--requests`` are split over ``--rounds`` rounds; a round measures every
    target once, in order, so a slowdown of the machine in the middle of the run weighs on all
    targets alike instead of on whichever was being measured. Each round of a target gets an
    equal share of its ``--duration-limit``. Raises SignInError when the member's session
    cannot be set up.
    """
    cookies = sign_in(server.host, server.port, MEMBER_USERNAME, MEMBER_PASSWORD)
    plan = targets(cookies["sessionid"])

    def load(target: Target, requests: int, time_limit_s: float) -> LoadResult:
        return run_load(
            server.host,
            server.port,
            target,
            requests=requests,
            concurrency=args.concurrency,
            time_limit_s=time_limit_s,
        )

    if args.warmup:
        _say(f"warming up: {args.warmup} requests per target")
        for target in plan:
            warm = load(target, args.warmup, args.duration_limit)
            if warm.error_count:
                _say(f"warm-up of {target.name}: {warm.error_count} errors {dict(warm.errors)}")
    rounds = min(args.rounds, args.requests)
    rounds_done: dict[str, list[LoadResult]] = {target.name: [] for target in plan}
    for number in range(rounds):
        share = args.requests // rounds + (1 if number < args.requests % rounds else 0)
        _say(f"round {number + 1}/{rounds}: {share} requests per target")
        for target in plan:
            rounds_done[target.name].append(load(target, share, args.duration_limit / rounds))
    return [merge(rounds_done[target.name]) for target in plan]


def report(
    results: list[LoadResult], server: RunningServer, args: argparse.Namespace
) -> dict[str, object]:
    """The run as JSON-ready data: context, options, and each target with its ratio."""
    baseline = next(r for r in results if r.target.name == BASELINE).requests_per_second
    entries = []
    for result in results:
        entry = result.summary()
        entry["ratio_to_baseline"] = (
            round(result.requests_per_second / baseline, 4) if baseline else None
        )
        entries.append(entry)
    return {
        "benchmark": "requests",
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": _git_state(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
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
            "requests": args.requests,
            "concurrency": args.concurrency,
            "duration_limit_s": args.duration_limit,
            "warmup": args.warmup,
            "rounds": args.rounds,
        },
        "baseline": BASELINE,
        "headline": HEADLINE,
        "targets": entries,
        "errors": sum(r.error_count for r in results),
    }


def format_table(data: dict[str, object]) -> str:
    """The report as a fixed-width table followed by the headline ratio."""
    options = data["options"]
    gunicorn = data["server"]["gunicorn"]
    columns = ["req/s", *(f"p{pct} ms" for pct in PERCENTILES), "max ms", "errors", "ratio"]
    lines = [
        f"{options['requests']} requests per target over {options['concurrency']} connections "
        f"in {options['rounds']} rounds (warm-up {options['warmup']}, "
        f"limit {options['duration_limit_s']:g}s); "
        f"gunicorn {gunicorn['worker_class']} x{gunicorn['workers']}, PostgreSQL, "
        f"{data['machine']['cpus']} CPUs",
        "",
        f"{'target':<16}{'path':<10}" + "".join(f"{c:>10}" for c in columns),
    ]
    for entry in data["targets"]:
        latency = entry["latency_ms"]
        cells = [
            f"{entry['requests_per_second']:.1f}",
            *(_ms(latency[f"p{pct}"]) for pct in PERCENTILES),
            _ms(latency["max"]),
            str(entry["errors"]),
            "-" if entry["ratio_to_baseline"] is None else f"{entry['ratio_to_baseline']:.3f}",
        ]
        lines.append(f"{entry['name']:<16}{entry['path']:<10}" + "".join(f"{c:>10}" for c in cells))
        if entry["hit_time_limit"]:
            lines.append(f"{'':<16}stopped by the time limit after {entry['ok_requests']} ok")
        if entry["errors"]:
            lines.append(f"{'':<16}errors: {entry['error_kinds']}")
    headline = next(e for e in data["targets"] if e["name"] == HEADLINE)
    if headline["ratio_to_baseline"] is not None:
        lines += [
            "",
            f"Headline: the signed-in top page serves {headline['ratio_to_baseline']:.3f}x "
            f"the requests/s of the trivial view ({HEADLINE} / {BASELINE}).",
        ]
    return "\n".join(lines)


def write_json(data: dict[str, object], path: Path) -> None:
    """Write ``data`` to ``path`` (folders created), replacing any earlier file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".tmp")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit status described in the module docstring."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so the server is stopped on `kill` too
    config = GunicornConfig(
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads if args.worker_class == "gthread" else 1,
    )
    try:
        with serve_portal(config) as server:
            results = measure(server, args)
            data = report(results, server, args)
            log_tail = server_log_tail(server) if data["errors"] else ""
    except (ServerError, SignInError) as exc:
        print(f"bench: setup failed: {exc}", file=sys.stderr)
        return EXIT_SETUP_FAILED
    except KeyboardInterrupt:
        print("bench: interrupted (gunicorn, if started, has been stopped)", file=sys.stderr)
        return EXIT_INTERRUPTED

    print(format_table(data))
    write_json(data, args.output)
    print(f"\nResults written to {_shown_path(args.output)}")
    if data["errors"]:
        print(f"\nbench: {data['errors']} requests failed", file=sys.stderr)
        if log_tail:
            print(f"end of the server log:\n{log_tail}", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


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
