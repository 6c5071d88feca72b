"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls from the
# test body are ordinary synchronous calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page(browser, viewport, live_server, request):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def _cheap_password_hashing(settings):
    """Demo and factory accounts hashed and checked with Argon2 at its smallest cost."""
    settings.PASSWORD_HASHERS = [
        "tests.e2e.demo_data.CheapArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(scope="session")
def demo_seeder(tmp_path_factory):
    from tests.e2e.demo_data import DemoSeeder

    return DemoSeeder(tmp_path_factory.mktemp("demo-copy"))


@pytest.fixture
def seeded_demo(live_server, demo_seeder):
    """The database, files and outbox as `seed_demo` leaves them (see tests/e2e/demo_data.py)."""
    demo_seeder()


@pytest.fixture
def demo_portal(seeded_demo):
    """The demo data, with the rich demo union served on the live server's host."""
    from kosmo.models import Union

    Union.objects.filter(domain="localhost").update(domain=None)
    Union.objects.filter(slug="kosmo").update(domain="localhost")


@pytest.fixture
def demo_hosts(seeded_demo, live_server):
    """The demo data as `make run` serves it: each union on its own *.localhost name (which
    browsers send to this machine), with the live server's port. Returns {slug: base URL}."""
    from urllib.parse import urlsplit

    from kosmo.models import Union

    port = urlsplit(live_server.url).port
    return {union.slug: f"http://{union.domain}:{port}" for union in Union.objects.all()}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
