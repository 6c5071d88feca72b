"""Serving KOSMO Web for a benchmark: PostgreSQL, migrated and seeded, behind gunicorn.

Two steps, usable apart so that later benchmarks can take only what they need:

* ``prepared_portal()`` creates (or reuses) the benchmark database, migrates it, seeds the demo
  unions and collects the static files into a temporary folder. It yields a ``Portal``: the
  environment every Django process of the benchmark must run with.
* ``gunicorn(portal)`` serves that portal on 127.0.0.1 on a free port and yields a
  ``RunningServer`` once ``/healthz`` answers 200; it always stops gunicorn on the way out.

``serve_portal()`` chains the two. The harness itself never imports Django: everything Django
runs in child processes, with the environment built here.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kosmo_bench"
HOST = "127.0.0.1"
# The host name of the synthetic union of the medical benchmark (bench/synthetic.py): requests
# carry it in their Host header, so the server must accept it.
SYNTHETIC_UNION_HOST = "bench.localhost"
BENCH_DIR = Path(__file__).resolve().parent

# Variables that would change what is measured if the caller's shell happened to set them:
# settings (a Redis cache, HTTPS redirects, another default union...) and gunicorn defaults.
_DROPPED_VARIABLES = (
    "REDIS_URL",
    "CACHE_URL",
    "HTTPS",
    "USE_X_FORWARDED_PROTO",
    "KOSMO_DEFAULT_UNION",
    "CSRF_TRUSTED_ORIGINS",
    "SESSION_COOKIE_AGE",
    "LOG_LEVEL",
    "GUNICORN_CMD_ARGS",
    "WEB_CONCURRENCY",
)


class ServerError(RuntimeError):
    """The portal could not be prepared or gunicorn did not come up."""


@dataclass(frozen=True)
class Portal:
    """A migrated, seeded database and collected static files, ready to be served."""

    database_url: str
    work_dir: Path
    env: dict[str, str]


@dataclass(frozen=True)
class GunicornConfig:
    """How gunicorn serves the portal."""

    workers: int = 2
    worker_class: str = "sync"
    threads: int = 1

    def describe(self) -> str:
        """A short human description, e.g. ``gunicorn sync x2``."""
        threads = f", {self.threads} threads each" if self.worker_class == "gthread" else ""
        return f"gunicorn {self.worker_class} x{self.workers}{threads}"


@dataclass(frozen=True)
class RunningServer:
    """A gunicorn serving the portal; valid only inside ``gunicorn()``'s ``with`` block."""

    host: str
    port: int
    config: GunicornConfig
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        return f"http://{self.host}:{self.port}"


def database_url(suffix: str = "") -> str:
    """The benchmark database: ``BENCH_DATABASE_URL`` if set, else ``kosmo_bench`` locally;
    with `suffix` added to its name, another database beside it (e.g. for a smaller union)."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not suffix:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def ensure_database(url: str) -> bool:
    """Make sure the PostgreSQL database named in ``url`` exists; True if it was created.

    Connects to the server's ``postgres`` maintenance database with the same credentials.
    Raises ServerError when the server cannot be reached or the database not created.
    """
    import psycopg  # in the project's virtualenv; imported late so --help works without it
    from psycopg import errors, sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ServerError(f"the benchmark needs PostgreSQL, got a {parts.scheme!r} URL")
    name = parts.path.lstrip("/")
    if not name:
        raise ServerError(f"no database name in {url!r}")
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if exists.fetchone():
                return False
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except errors.DuplicateDatabase:  # created concurrently by another run
                return False
            return True
    except psycopg.Error as exc:
        raise ServerError(f"cannot prepare database {name!r}: {exc}") from exc


def cache_url() -> str | None:
    """``BENCH_CACHE_URL`` (default: database 14 of the local Redis), emptied first so that no
    earlier run's entries are read; None (a per-process memory cache, database sessions) when
    that Redis does not answer or ``BENCH_CACHE_URL`` is empty."""
    url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except Exception as exc:  # noqa: BLE001 — any failure means: run without it
        print(f"[bench] no Redis cache ({exc}); the cache is per process", file=sys.stderr)
        return None
    return url


def django_env(url: str, work_dir: Path) -> dict[str, str]:
    """The environment for every Django process of the benchmark (manage.py and gunicorn).

    Production-like: DEBUG off, a fresh random SECRET_KEY, the cache (and so the sessions) on
    Redis as in docker-compose.yml when the local Redis answers (``cache_url()``), tasks run
    eagerly, static and media files under ``work_dir`` so nothing is written into the source
    tree.
    """
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_VARIABLES}
    cache = cache_url()
    if cache:
        env["CACHE_URL"] = cache
    env.update(
        DJANGO_SETTINGS_MODULE="kosmo.settings",
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"127.0.0.1,localhost,kosmo.localhost,{SYNTHETIC_UNION_HOST}",
        STATIC_ROOT=str(work_dir / "static"),
        MEDIA_ROOT=str(work_dir / "media"),
        PRIVATE_MEDIA_ROOT=str(work_dir / "private_media"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run ``manage.py <args>`` in the project with ``env``; its output, or ServerError."""
    command = [sys.executable, "manage.py", *args]
    return _run(command, env, f"manage.py {' '.join(args)}", timeout, stderr=subprocess.STDOUT)


def _run(command: list[str], env: dict[str, str], label: str, timeout: float, *, stderr) -> str:
    """Run a Python command in the project; its stdout, or ServerError naming `label`."""
    try:
        done = subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ServerError(f"{label} took more than {timeout:.0f}s") from exc
    if done.returncode != 0:
        raise ServerError(f"{label} failed (exit {done.returncode}):\n{_tail(done.stdout)}")
    return done.stdout


def django_script(
    env: dict[str, str], script: str, *args: str, timeout: float = 1800
) -> dict[str, object]:
    """Run ``bench/<script> <args>`` (a script that sets Django up itself) with ``env``.

    The script reports progress on stderr, passed through to ours, and prints one JSON object
    as the last line of its stdout, which is returned. ServerError if it fails.
    """
    command = [sys.executable, str(BENCH_DIR / script), *args]
    # stderr (progress) is passed through to ours.
    stdout = _run(command, env, f"{script} {' '.join(args)}", timeout, stderr=None)
    lines = stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError) as exc:
        raise ServerError(f"{script} {' '.join(args)} printed no JSON:\n{_tail(stdout)}") from exc


@contextmanager
def prepared_portal(log: bool = True, database_suffix: str = "") -> Iterator[Portal]:
    """Yield a Portal: database created or reused, migrated and seeded; static files collected.

    The temporary folder holding static and media files is removed on the way out; the
    database is kept, so the next run only has to apply new migrations. `database_suffix`:
    the database named ``database_url(database_suffix)``.
    """
    url = database_url(database_suffix)
    with tempfile.TemporaryDirectory(prefix="kosmo-bench-") as tmp:
        work_dir = Path(tmp)
        env = django_env(url, work_dir)
        created = ensure_database(url)
        _say(log, f"database {urlsplit(url).path.lstrip('/')} {'created' if created else 'reused'}")
        for step in (
            ("migrate", "--noinput"),
            ("seed_demo",),
            ("collectstatic", "--noinput"),
        ):
            started = time.perf_counter()
            manage(env, *step)
            _say(log, f"manage.py {' '.join(step)} ({time.perf_counter() - started:.1f}s)")
        yield Portal(database_url=url, work_dir=work_dir, env=env)


@contextmanager
def gunicorn(
    portal: Portal,
    config: GunicornConfig | None = None,
    startup_timeout: float = 60,
) -> Iterator[RunningServer]:
    """Serve ``portal`` with gunicorn on 127.0.0.1 and yield once ``/healthz`` answers 200.

    The listening socket is bound here, on a free port, and handed to gunicorn (``fd://``), so
    no other process can take the port in between. Raises ServerError (with the end of
    gunicorn's log) when it exits or is not healthy within ``startup_timeout`` seconds.
    gunicorn runs in its own session, so a Ctrl-C reaches only this process; on leaving the
    block, however that happens, gunicorn is sent SIGTERM and, if it lingers, killed.
    """
    config = config or GunicornConfig()
    # gunicorn's error log goes to stderr by default; it and Django's logging land in this file.
    log_path = portal.work_dir / "gunicorn.log"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind((HOST, 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "kosmo.wsgi:application",
            f"--bind=fd://{listener.fileno()}",
            f"--workers={config.workers}",
            f"--worker-class={config.worker_class}",
            f"--threads={config.threads}",
            "--log-level=warning",
            "--graceful-timeout=5",
            # As in the Dockerfile: worker heartbeat files in memory, not on disk.
            *(["--worker-tmp-dir=/dev/shm"] if Path("/dev/shm").is_dir() else []),
        ]
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=portal.env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
                start_new_session=True,
            )
    finally:
        listener.close()  # gunicorn holds its own copy of the socket now
    server = RunningServer(HOST, port, config, log_path, process)
    try:
        _wait_until_healthy(server, startup_timeout)
        yield server
    finally:
        stop(process)


@contextmanager
def serve_portal(config: GunicornConfig | None = None, log: bool = True) -> Iterator[RunningServer]:
    """``prepared_portal()`` and ``gunicorn()`` in one: a healthy server, stopped on exit."""
    with prepared_portal(log=log) as portal, gunicorn(portal, config) as server:
        _say(log, f"{server.config.describe()} serving at {server.base_url}")
        yield server


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """Stop gunicorn and its workers: SIGTERM, then SIGKILL to the whole group after ``grace``.

    Returns once the master has exited; safe to call when it already has.
    """
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    finally:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def server_log_tail(server: RunningServer, lines: int = 30) -> str:
    """The last ``lines`` lines gunicorn (and Django's logging) wrote, for error reports."""
    try:
        return _tail(server.log_path.read_text(errors="replace"), lines)
    except OSError:
        return ""


def _wait_until_healthy(server: RunningServer, timeout: float) -> None:
    """Return once ``GET /healthz`` answers 200; ServerError if gunicorn dies or time runs out."""
    deadline = time.monotonic() + timeout
    last_problem = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(
                f"gunicorn exited with status {server.process.returncode} while starting:\n"
                + server_log_tail(server)
            )
        conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
            last_problem = f"/healthz answered {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()
        time.sleep(0.1)
    raise ServerError(
        f"gunicorn was not healthy after {timeout:.0f}s ({last_problem}):\n"
        + server_log_tail(server)
    )


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _say(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[bench] {message}", file=sys.stderr, flush=True)
