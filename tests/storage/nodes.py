"""A deployment of several hosts on one machine, for the "two nodes, no shared disk" test
(issue 24): gunicorn web nodes and a Celery worker, each a real process with media folders
of its own, all on the test's PostgreSQL database, its Redis and one S3 bucket; and
`Visitor`, a browser's cookies over plain HTTP (http.client) to whichever node.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.crypto import get_random_string

from tests.servers import free_port

START_SECONDS = 60  # a node or worker that is not up by then has failed to start
LOG_TAIL = 4000


@dataclass
class Host:
    """One machine's process: its own MEDIA_ROOT and PRIVATE_MEDIA_ROOT (its "local disk")
    and its log."""

    name: str
    root: Path
    process: subprocess.Popen | None = None
    port: int | None = None

    @property
    def media_root(self) -> Path:
        return self.root / "media"

    @property
    def private_media_root(self) -> Path:
        return self.root / "private_media"

    @property
    def log(self) -> Path:
        return self.root / f"{self.name}.log"

    def local_files(self) -> list[Path]:
        """Every file in the host's media folders (there should be none)."""
        return sorted(
            path
            for folder in (self.media_root, self.private_media_root)
            for path in folder.rglob("*")
            if not path.is_dir()
        )

    def log_tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ({self.log}) ---\n{text[-LOG_TAIL:]}"


@dataclass
class Deployment:
    """The processes of one deployment, started with the operator's variables (README,
    "Running on several hosts"): the same SECRET_KEY, database, Redis and bucket; the media
    folders each host's own."""

    root: Path
    env: dict[str, str]
    hosts: list[Host] = field(default_factory=list)

    def _start(self, host: Host, command: list[str]) -> Host:
        host.media_root.mkdir(parents=True)
        host.private_media_root.mkdir(parents=True)
        env = {
            **os.environ,
            **self.env,
            "MEDIA_ROOT": str(host.media_root),
            "PRIVATE_MEDIA_ROOT": str(host.private_media_root),
        }
        with host.log.open("wb") as log:
            host.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole
            )
        self.hosts.append(host)
        return host

    def start_node(self, name: str) -> Host:
        """gunicorn as the image runs it (docker/gunicorn.conf.py), on a free port."""
        host = Host(name=name, root=self.root / name, port=free_port())
        return self._start(
            host,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(settings.BASE_DIR / "docker" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{host.port}",
                "--workers",
                "1",
                "kosmo.wsgi",
            ],
        )

    def start_worker(self, name: str) -> Host:
        host = Host(name=name, root=self.root / name)
        return self._start(
            host,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kosmo",
                "worker",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname={name}-{os.getpid()}@%h",
            ],
        )

    def wait_until_up(self) -> None:
        """Every node answers /healthz and every worker has said it is ready."""
        limit = time.monotonic() + START_SECONDS
        waiting = list(self.hosts)
        while waiting and time.monotonic() < limit:
            for host in list(waiting):
                if host.process.poll() is not None:
                    raise RuntimeError(f"{host.name} exited at start:\n{self.log_tails()}")
                if self._is_up(host):
                    waiting.remove(host)
            time.sleep(0.2)
        if waiting:
            names = ", ".join(host.name for host in waiting)
            raise RuntimeError(f"not up in {START_SECONDS} s: {names}\n{self.log_tails()}")

    @staticmethod
    def _is_up(host: Host) -> bool:
        if host.port is None:
            return b" ready." in host.log.read_bytes()
        conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=2)
        try:
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def local_files(self) -> list[Path]:
        return [path for host in self.hosts for path in host.local_files()]

    def log_tails(self) -> str:
        return "\n".join(host.log_tail() for host in self.hosts)

    def stop(self) -> None:
        """Every process group: TERM, then KILL what is left after a few seconds."""
        running = [h.process for h in self.hosts if h.process and h.process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        limit = time.monotonic() + 5
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, limit - time.monotonic()))
            # Whatever of the group is left (a gunicorn worker, a pool process that hung).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def location(self) -> str:
        return self.headers["Location"]


@dataclass
class Visitor:
    """One browser of the union's portal (its host name): cookies kept across requests and
    nodes, as a load balancer would send them to any node. POSTs carry the CSRF cookie and
    header as the pages' forms do."""

    host: str
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cookies.setdefault(settings.CSRF_COOKIE_NAME, get_random_string(32))

    @classmethod
    def signed_in(cls, host: str, session_key: str) -> Visitor:
        return cls(host, {settings.SESSION_COOKIE_NAME: session_key})

    def get(self, node: Host, path: str) -> Response:
        return self._request(node, "GET", path)

    def post(self, node: Host, path: str, data: dict | None = None, *, files=False) -> Response:
        """A form's POST; `files=True`: multipart/form-data (file values are Django's
        SimpleUploadedFile), else urlencoded."""
        if files:
            body, content_type = encode_multipart(BOUNDARY, data or {}), MULTIPART_CONTENT
        else:
            body = urlencode(data or {}).encode()
            content_type = "application/x-www-form-urlencoded"
        return self._request(node, "POST", path, body, {"Content-Type": content_type})

    def _request(self, node, method, path, body=None, headers=None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
        try:
            conn.request(
                method,
                path,
                body=body,
                headers={
                    "Host": self.host,
                    "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                    "X-CSRFToken": self.cookies[settings.CSRF_COOKIE_NAME],
                    "Accept-Language": "ja",
                    **(headers or {}),
                },
            )
            response = conn.getresponse()
            result = Response(response.status, response.headers, response.read())
        finally:
            conn.close()
        for header in result.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":  # deleted (a sign-out)
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return result
