"""Servers the tests start on localhost themselves, on a free port: a private redis-server
(stopped, started, paused with SIGSTOP mid-test) as the `redis_server` fixture (loaded as a
pytest plugin from tests/conftest.py); `free_port()` for the others (tests/s3.py,
tests/storage/nodes.py); `database_url()` for the processes a test starts on its database
(Celery workers, gunicorn nodes)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from urllib.parse import quote

import pytest
from django.db import connection

from tests.conftest import require


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database (pytest-django's test_…) as the processes' DATABASE_URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{credentials}@{db['HOST']}{port}/{quote(db['NAME'])}"


class RedisServer:
    """A private redis-server without persistence: stop/start, pause (SIGSTOP)/resume."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def redis_server():
    """A redis-server of this test's own, to stop and start (no persistence)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    require(os.path.exists(binary), "needs the redis-server binary")
    server = RedisServer(binary)
    server.start()
    yield server
    server.stop()
