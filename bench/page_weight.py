"""(Django) Every page of a signed-in member, weighed in Chromium: ``python bench/page_weight.py
BASE_URL SESSION_ID``, run by bench/frontend.py with the portal's environment.

The pages are those of the accessibility walk (tests/e2e/pages.py, without its axe and reflow
checks): HTML + CSS + JS of each, gzip-compressed, and any request to another origin. Reports
progress on stderr and prints one JSON object last: {"weights": {path: bytes}, "findings": [...]}.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


def main(base_url: str, session_id: str) -> int:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kosmo.settings")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from tests.e2e import pages

    walk = pages.Walk()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
        context.add_cookies([{"name": "sessionid", "value": session_id, "url": base_url}])
        page = context.new_page()
        page.base_url = base_url
        pages.Walker(page, walk, axe=False, reflow=False).crawl(pages.starting_urls())
        browser.close()
    print(f"[bench] weighed {len(walk.weights)} pages", file=sys.stderr)
    findings = [f"{finding.url}: {finding.problem}" for finding in walk.findings]
    print(json.dumps({"weights": walk.weights, "findings": findings}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
