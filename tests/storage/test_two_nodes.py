"""Two nodes, no shared disk (issue 24): two gunicorn web nodes and a Celery worker, each a
real process with its own media folders, on one PostgreSQL database, one Redis and one S3
bucket (moto's server on localhost). A member's PDF asked for on node A is rendered by the
worker and downloaded on node B; a survey upload made on node B is opened by union staff on
node A; with the store unreachable the member gets a Japanese page and the PDF job waits,
then is rendered once the store is back. No process keeps a file on its own disk.

The processes start once for the module; each test has its own union on a host name of its
own (a node remembers a host's union for a while, and the database is emptied between tests).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import uuid
from dataclasses import dataclass, replace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import CLERK
from dependents.models import SurveyTarget, Upload
from kosmo import documents
from kosmo.celery import app as celery_app
from kosmo.env import file_storages
from kosmo.models import DocumentJob, Union
from tests import factories
from tests.conftest import require
from tests.dependents.conftest import make_survey, pdf_bytes
from tests.dependents.steps import CHILD_ANSWERS, SPOUSE_ANSWERS
from tests.s3 import REGION as S3_REGION
from tests.s3 import S3Endpoint
from tests.servers import database_url
from tests.storage.nodes import Deployment, Host, Visitor

pytestmark = pytest.mark.celery_worker

MARCH = "2025-03"
READY = "PDFのダウンロードの準備ができました。"
GENERATING = "PDFが生成中です。しばらくお待ちのうえ、画面を更新してください。"
STORE_DOWN = "ただいまファイルを取り出せません。しばらくしてからもう一度お試しください。"
INCOME = "収入を証明する書類(課税(非課税)証明書)"
WAIT_SECONDS = 60


@dataclass
class Cluster:
    deployment: Deployment
    s3: S3Endpoint
    bucket: str
    union: Union | None = None

    @property
    def host(self) -> str:
        return self.union.domain

    @property
    def node_a(self) -> Host:
        return self.deployment.hosts[0]

    @property
    def node_b(self) -> Host:
        return self.deployment.hosts[1]

    @property
    def worker(self) -> Host:
        return self.deployment.hosts[2]

    def stored(self, name: str) -> bytes:
        """A private file's bytes, read from the bucket itself."""
        key = f"private/{name}"
        return self.s3.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def store_back(self) -> None:
        """The store restarted (moto keeps nothing) with its bucket made again."""
        self.s3.start()
        self.s3.client().create_bucket(
            Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
        )


@pytest.fixture(scope="module")
def _postgresql_and_redis():
    require(connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL: real processes")
    require(bool(django_settings.REDIS_URL), "REDIS_URL is not set: no broker for the worker")


@pytest.fixture(scope="module")
def deployment(_postgresql_and_redis, django_db_setup, s3_endpoint, tmp_path_factory):
    """Node A, node B and a worker on the test database, the test Redis and a fresh bucket."""
    settings = django_settings
    if s3_endpoint.process is None:
        s3_endpoint.start()  # an earlier test stopped it
    bucket = s3_endpoint.create_bucket()
    deployment = Deployment(
        root=tmp_path_factory.mktemp("hosts"),
        env={
            "DJANGO_SETTINGS_MODULE": "kosmo.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_URL": settings.CACHE_URL,
            "SECRET_KEY": settings.SECRET_KEY,  # the sessions the test makes are valid
            "ALLOWED_HOSTS": ".localhost,127.0.0.1",
            "DEBUG": "false",
            "HTTPS": "false",
            "KOSMO_DEFAULT_UNION": "",
            "WEB_CONCURRENCY": "1",
            **s3_endpoint.env(bucket),
        },
    )
    celery_app.control.purge()
    try:
        deployment.start_node("node-a")
        deployment.start_node("node-b")
        deployment.start_worker("worker")
        deployment.wait_until_up()
        yield Cluster(deployment=deployment, s3=s3_endpoint, bucket=bucket)
    finally:
        deployment.stop()
        celery_app.control.purge()


@pytest.fixture
def cluster(deployment, transactional_db, settings, monkeypatch, request):
    """This test's view of the deployment: the test process stores in the same bucket, tasks
    it queues go to the real broker, and its union is served on a host name of its own."""
    celery_app.conf.task_always_eager = False  # the conftest's switch comes back after
    for name, value in deployment.s3.env(deployment.bucket).items():
        monkeypatch.setenv(name, value)
    public, private = file_storages(private_root=settings.PRIVATE_MEDIA_ROOT)
    settings.STORAGES = {**settings.STORAGES, "default": public, "private": private}
    union = factories.UnionFactory(
        name="コスモ健康保険組合", domain=f"u{uuid.uuid4().hex[:10]}.localhost"
    )
    failed = request.session.testsfailed
    yield replace(deployment, union=union)
    if request.session.testsfailed > failed:  # printed after the failure's traceback
        print(deployment.deployment.log_tails())
    if deployment.s3.process is None:  # a failed outage test left the store down
        deployment.store_back()


# --- Helpers --------------------------------------------------------------------------------------


def _signed_in(cluster, user) -> Visitor:
    """A browser with the user's session (made here, in the shared database)."""
    client = Client()
    if user.is_staff:
        factories.staff_login(client, user)
    else:
        client.force_login(user)
    return Visitor.signed_in(cluster.host, client.session.session_key)


def _member(union):
    """山田 太郎, the insured member of a household of the union."""
    return factories.UserFactory(person__household=factories.HouseholdFactory(union=union))


def _ask_for_statement(visitor, node, start=MARCH, end=MARCH) -> int:
    response = visitor.post(node, "/medical/statement.pdf", {"start": start, "end": end})
    assert response.status == 302, response.text
    match = re.fullmatch(r"/documents/(\d+)/", response.location)
    assert match, response.location
    return int(match[1])


def _poll_until_ready(visitor, node, pk) -> None:
    """The status page's poll (its JSON), as the page's script does, until the PDF is ready."""
    limit = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < limit:
        response = visitor.get(node, f"/documents/{pk}/status/")
        assert response.status == 200, response.text
        state = json.loads(response.body)["state"]
        assert state != "failed", DocumentJob.objects.get(pk=pk).error
        if state == "ready":
            return
        time.sleep(0.2)
    pytest.fail(f"PDF job {pk} not ready in {WAIT_SECONDS} s: {DocumentJob.objects.get(pk=pk)}")


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _finished_renders(cluster) -> int:
    """Render tasks the worker has finished, whatever their outcome (Celery's log lines; the
    task id may be partly masked, as a long run of digits: "[[number]e4-…]")."""
    log = cluster.worker.log.read_text(errors="replace")
    return len(re.findall(r"render_document\[.*\] (?:succeeded|raised|retry)", log))


def _wait(condition, what: str) -> None:
    limit = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < limit:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {WAIT_SECONDS} s")


def _wait_for_line(host, text: str) -> None:
    """A line of the host's log (gunicorn writes the access line once the response is sent)."""
    _wait(lambda: text in host.log.read_text(errors="replace"), f"{text!r} in {host.name}'s log")


# --- A PDF asked for on node A, downloaded on node B ------------------------------------------


def test_a_pdf_asked_for_on_node_a_is_rendered_by_the_worker_and_downloaded_on_node_b(cluster):
    insured = _member(cluster.union)
    factories.ClaimFactory(person=insured.person, service_month=dt.date(2025, 3, 1))
    member = _signed_in(cluster, insured)

    pk = _ask_for_statement(member, cluster.node_a)
    _poll_until_ready(member, cluster.node_b, pk)
    page = member.get(cluster.node_b, f"/documents/{pk}/")
    download = member.get(cluster.node_b, f"/documents/{pk}/download/")

    assert page.status == 200 and READY in page.text
    assert download.status == 200
    assert download.headers["Content-Type"] == "application/pdf"
    text = _pdf_text(download.body)
    assert "医療費明細" in text and "山田太郎様" in text
    job = DocumentJob.objects.get(pk=pk)
    assert cluster.stored(job.file.name) == download.body
    # The request went to node A, the download to node B (their access logs).
    _wait_for_line(cluster.node_a, "POST /medical/statement.pdf")
    _wait_for_line(cluster.node_b, f"GET /documents/{pk}/download/")
    assert f"/documents/{pk}/download/" not in cluster.node_a.log.read_text()
    assert cluster.deployment.local_files() == []
    # Another household's member, on either node, gets nothing.
    outsider = factories.UserFactory(
        person__household=factories.HouseholdFactory(union=cluster.union),
        person__family_name="佐藤",
        person__given_name="健",
    )
    other = _signed_in(cluster, outsider)
    for node in (cluster.node_a, cluster.node_b):
        assert other.get(node, f"/documents/{pk}/download/").status == 404


# --- A survey upload made on node B, opened by staff on node A ---------------------------------


def test_a_survey_upload_made_on_node_b_is_opened_by_union_staff_on_node_a(cluster):
    insured = _member(cluster.union)
    household = insured.person.household
    spouse = factories.DependentFactory(household=household, branch="01")
    child = factories.DependentFactory(
        household=household, branch="02", relationship="child", given_name="一郎"
    )
    survey = make_survey(cluster.union)
    spouse_target = SurveyTarget.objects.get(survey=survey, person=spouse)
    child_target = SurveyTarget.objects.get(survey=survey, person=child)
    member, node_b = _signed_in(cluster, insured), cluster.node_b

    # The member answers and uploads on node B (a phone, say).
    assert member.post(node_b, "/dependents/pledge/", {"answer": "agree"}).status == 302
    assert member.post(node_b, "/dependents/answer/insured/").status == 302
    for target, answers in ((spouse_target, SPOUSE_ANSWERS), (child_target, CHILD_ANSWERS)):
        member.post(node_b, f"/dependents/answer/{target.pk}/basic/")
        answered = member.post(node_b, f"/dependents/answer/{target.pk}/questions/", answers)
        assert answered.status == 302, answered.text
    form = member.get(node_b, f"/dependents/answer/{spouse_target.pk}/upload/")
    [document] = re.findall(
        rf'<option value="([^"]+)"[^>]*>{re.escape(INCOME)}</option>', form.text
    )
    content = pdf_bytes(pages=2)
    uploaded = member.post(
        node_b,
        f"/dependents/answer/{spouse_target.pk}/upload/",
        {"document": document, "file": SimpleUploadedFile("kazei.pdf", content, "application/pdf")},
        files=True,
    )
    assert uploaded.status == 302, uploaded.text
    upload = Upload.objects.get()
    assert cluster.stored(upload.file.name) == content

    # A union clerk reviews it on node A: the target's page links to the file, which opens.
    clerk = factories.StaffFactory(union=cluster.union)
    clerk.groups.add(Group.objects.get(name=CLERK))
    staff, node_a = _signed_in(cluster, clerk), cluster.node_a
    review = staff.get(node_a, f"/admin/dependents/surveytarget/{spouse_target.pk}/change/")
    file_url = reverse("admin:dependents_upload_file", args=[upload.pk])
    assert review.status == 200 and f'href="{file_url}"' in review.text
    opened = staff.get(node_a, file_url)

    assert opened.status == 200
    assert opened.body == content
    assert opened.headers["Content-Type"] == "application/pdf"
    _wait_for_line(node_a, f"GET {file_url}")
    assert cluster.deployment.local_files() == []


# --- The store unreachable -------------------------------------------------------------------


def test_with_the_store_unreachable_the_member_gets_a_japanese_page_and_the_pdf_waits_for_it(
    cluster,
):
    insured = _member(cluster.union)
    factories.ClaimFactory(person=insured.person, service_month=dt.date(2025, 3, 1))
    member, node_a, node_b = _signed_in(cluster, insured), cluster.node_a, cluster.node_b
    renders = _finished_renders(cluster)
    earlier = _ask_for_statement(member, node_a)
    _poll_until_ready(member, node_b, earlier)
    _wait(lambda: _finished_renders(cluster) > renders, "the first render's end")

    cluster.s3.stop()
    # A ready PDF cannot be fetched: the portal's Japanese page, no traceback.
    download = member.get(node_b, f"/documents/{earlier}/download/")
    assert download.status == 503
    assert STORE_DOWN in download.text and "Traceback" not in download.text
    # A new PDF is asked for on node A; the worker renders it but cannot store it.
    renders = _finished_renders(cluster)  # the first render's line is written: counted
    pk = _ask_for_statement(member, node_a, start="2025-02")
    _wait(lambda: _finished_renders(cluster) > renders, "the worker's attempt")
    job = DocumentJob.objects.get(pk=pk)
    assert job.state == DocumentJob.State.PENDING and job.error == ""  # not failed: waiting …
    assert job.deadline <= timezone.now() + documents.STORE_RETRY_WAIT  # … for the store
    page = member.get(node_a, f"/documents/{pk}/")
    assert page.status == 200 and GENERATING in page.text

    # The store is back (empty: moto keeps nothing); the beat's next sweep queues the job again.
    cluster.store_back()
    assert documents.requeue_overdue(now=job.deadline - dt.timedelta(seconds=1)) == 0
    assert documents.requeue_overdue(now=job.deadline) == 1
    _poll_until_ready(member, node_b, pk)
    download = member.get(node_b, f"/documents/{pk}/download/")

    assert download.status == 200
    text = _pdf_text(download.body)
    assert "山田太郎様" in text and "対象期間2025/02〜2025/03" in text
    job.refresh_from_db()
    assert job.state == DocumentJob.State.READY
    assert cluster.stored(job.file.name) == download.body
    assert cluster.deployment.local_files() == []
