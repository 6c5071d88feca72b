"""A real S3 API on localhost for the storage tests (issue 24): moto's standalone server,
started once per test session in its own process. The portal talks to it as to any
S3-compatible store, through the same variables an operator sets (kosmo.env.file_storages);
nothing in the project knows it is moto.

Fixtures (imported into tests/conftest.py):
- `s3_endpoint`: the server (session-wide): `.url`, `.env(bucket)` for a subprocess
  (gunicorn, a Celery worker), `.client()` (boto3) to look at the objects, `.stop()` and
  `.start()` for "the store is unreachable" tests;
- `s3_storages`: this test's STORAGES on a fresh bucket of that server (`.bucket`,
  `.client`); models' private fields follow it (kosmo.storage.private_storage).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import free_port

ACCESS_KEY = "kosmo-test"
SECRET_KEY = "kosmo-test-secret"
REGION = "ap-northeast-1"


@dataclass
class S3Endpoint:
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, bucket: str) -> dict[str, str]:
        """The operator's variables (README, "Running on several hosts") for this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_ADDRESSING_STYLE": "path",
            # A stopped store fails fast in the tests (the defaults are 2 s and 2 attempts).
            "AWS_S3_CONNECT_TIMEOUT": "1",
            "AWS_S3_READ_TIMEOUT": "5",
            "AWS_S3_MAX_ATTEMPTS": "1",
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self) -> str:
        bucket = f"kosmo-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return bucket

    def start(self) -> None:
        """Starts the server (again, on the same port: a stopped store coming back keeps
        nothing, as moto keeps its objects in memory)."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        limit = time.monotonic() + 30
        while time.monotonic() < limit:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"the S3 server did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    endpoint = S3Endpoint(log_path=tmp_path_factory.mktemp("s3") / "moto.log")
    endpoint.start()
    yield endpoint
    endpoint.stop()


@dataclass
class S3Storages:
    endpoint: S3Endpoint
    bucket: str

    @property
    def client(self):
        return self.endpoint.client()

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def s3_storages(s3_endpoint, settings, monkeypatch):
    """This test's files in a fresh bucket: STORAGES["default"] and ["private"] as an
    operator's AWS_* variables make them (kosmo.env.file_storages)."""
    if s3_endpoint.process is None or s3_endpoint.process.poll() is not None:
        s3_endpoint.start()  # a previous test stopped it
    bucket = s3_endpoint.create_bucket()
    for name, value in s3_endpoint.env(bucket).items():
        monkeypatch.setenv(name, value)
    from kosmo.env import file_storages

    public, private = file_storages(private_root=settings.PRIVATE_MEDIA_ROOT)
    settings.STORAGES = {**settings.STORAGES, "default": public, "private": private}
    return S3Storages(endpoint=s3_endpoint, bucket=bucket)
