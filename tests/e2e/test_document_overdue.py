"""A PDF no worker finished in time (issue 18): the 資格情報のお知らせ row turns to 「再試行」
by itself once the job is overdue, and 「再試行」 queues it again, on a phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import demo as account_demo
from kosmo import documents
from kosmo.celery import app as celery_app
from kosmo.models import DocumentJob
from tests.e2e.steps import sign_in_with_email_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GENERATING = "PDFが生成中です。ダウンロード準備が完了するまでしばらくお待ちください。"
OVERDUE = "PDFの作成に時間がかかっています。お手数ですが、「再試行」を押してください。"


@pytest.fixture
def lose_tasks():
    """Call it to have tasks wait in the queue instead of running inside the request, where
    nothing takes them (after signing in: the sign-in code is mailed by a task)."""

    def queue_only():
        celery_app.conf.task_always_eager = False

    yield queue_only
    if not celery_app.conf.task_always_eager:
        celery_app.control.purge()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_an_overdue_notice_offers_retry_in_place_and_retry_queues_it(page, demo_portal, lose_tasks):
    sign_in_with_email_code(
        page, "yamada_taro", account_demo.DEMO_PASSWORD, "yamada.taro@example.jp"
    )
    lose_tasks()
    page.get_by_role("region", name="サービスメニュー").get_by_role(
        "link", name="資格情報のお知らせ"
    ).click()
    hanako = page.get_by_role("group", name="山田 花子 の生年月日認証")
    hanako.get_by_label("年").fill("1981")
    hanako.get_by_label("月").fill("3")
    hanako.get_by_label("日").fill("3")
    hanako.get_by_role("button", name="送信").click()
    row = page.get_by_role("row", name=re.compile("山田 花子"))
    expect(row.get_by_text(GENERATING)).to_be_visible()
    page.evaluate("window.notReloaded = true")

    job = DocumentJob.objects.get(kind="eligibility_notice")
    DocumentJob.objects.filter(pk=job.pk).update(deadline=timezone.now())  # no worker took it

    expect(row.get_by_text(OVERDUE)).to_be_visible(timeout=20_000)
    expect(row.get_by_text(GENERATING)).to_be_hidden()
    assert page.evaluate("window.notReloaded === true")  # the row changed in place

    row.get_by_role("button", name="再試行").click()
    expect(row.get_by_text(GENERATING)).to_be_visible()
    job.refresh_from_db()
    assert job.state == DocumentJob.State.PENDING and not job.is_overdue(timezone.now())

    assert documents.run(job.pk) == "ready"  # a worker's turn
    expect(
        row.get_by_role("link", name="資格情報のお知らせダウンロードの準備ができました")
    ).to_be_visible(timeout=20_000)
