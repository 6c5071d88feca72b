"""Page weight and Lighthouse for a signed-in member: ``make bench`` (see bench/README.md).

Serves the demo portal as in production (gunicorn, DEBUG off, collectstatic with WhiteNoise's
fingerprinted, compressed storage: STATIC_MANIFEST) and, for the rich demo union's member
``yamada_taro`` (a session made server-side, bench/synthetic.py):

* page weight: every page the accessibility walk reaches (tests/e2e/pages.py, without its
  axe and reflow checks): HTML + CSS + JS, gzip-compressed, and any request to another origin;
  prints the heaviest pages;
* Lighthouse (bench/package.json, run with Debian's Chromium, CHROME_PATH) on the top page,
  医療費 年間 and 健診結果, phone profile: performance, accessibility and best-practices.

Prints both tables and writes them to bench/results/frontend.json. Exit status: 0 when every
page is within the budget and every Lighthouse run finished, 1 otherwise, 2 when the server or
the tools could not be set up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from server import ServerError, django_script, gunicorn, prepared_portal

BENCH_DIR = Path(__file__).resolve().parent
OUTPUT = BENCH_DIR / "results" / "frontend.json"
LIGHTHOUSE = BENCH_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
MEMBER = "yamada_taro"
UNION_HOST = "kosmo.localhost"  # Chromium sends *.localhost to this machine
LIGHTHOUSE_PAGES = {
    "トップページ": ("top", "/"),
    "医療費 年間": ("medical-annual", "/medical/annual/"),
    "健診結果": ("checkup", "/checkup/"),
}
REPORTS = BENCH_DIR / "results" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
    "server-response-time",
)
HEAVIEST = 10


def main() -> int:
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: npm ci --prefix bench", file=sys.stderr)
        return 2
    os.environ["STATIC_MANIFEST"] = "true"  # collectstatic and gunicorn, as in the image
    try:
        with prepared_portal() as portal:
            sessions = django_script(
                portal.env, "synthetic.py", "sessions", "--members=0", f"--username={MEMBER}"
            )
            session_id = sessions["named"][MEMBER]
            with gunicorn(portal) as server:
                base_url = f"http://{UNION_HOST}:{server.port}"
                weights, findings = page_weights(portal.env, base_url, session_id)
                scores = {
                    label: lighthouse(base_url + path, session_id, name)
                    for label, (name, path) in LIGHTHOUSE_PAGES.items()
                }
    except ServerError as error:
        print(f"set-up failed: {error}", file=sys.stderr)
        return 2

    heaviest = sorted(weights.items(), key=lambda item: item[1], reverse=True)
    print(f"\nPage weight (HTML + CSS + JS, gzip), {len(weights)} pages, budget 100 KB:")
    for path, size in heaviest[:HEAVIEST]:
        print(f"  {size / 1024:6.1f} KB  {path}")
    for finding in findings:
        print(f"  ! {finding}")
    print("\nLighthouse 12 (phone profile):")
    columns = (*CATEGORIES, "FCP ms", "LCP ms", "TBT ms", "CLS‰", "SI ms", "TTFB ms")
    print("  page          " + " ".join(f"{c:>14}" for c in columns))
    for label, score in scores.items():
        shown = " ".join(f"{score.get(c, '-')!s:>14}" for c in (*CATEGORIES, *METRICS))
        print(f"  {label:<8}\u3000{shown}")
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(
        json.dumps(
            {"weights": dict(heaviest), "findings": findings, "lighthouse": scores}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    failed = findings or any(any(c not in score for c in CATEGORIES) for score in scores.values())
    return 1 if failed else 0


def page_weights(env: dict[str, str], base_url: str, session_id: str):
    """The weights and findings of bench/page_weight.py (a Django script)."""
    result = django_script(env, "page_weight.py", base_url, session_id, timeout=900)
    return result["weights"], result["findings"]


def lighthouse(url: str, session_id: str, name: str) -> dict[str, int]:
    """The category scores (0–100) of one Lighthouse run, phone profile, and its metrics
    (milliseconds, CLS ×1000); {} if it failed. The full report is kept in bench/results/."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    report.unlink(missing_ok=True)
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--extra-headers={json.dumps({'Cookie': f'sessionid={session_id}'})}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not report.exists():
        print(f"lighthouse {url} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return {}
    data = json.loads(report.read_text(encoding="utf-8"))
    categories, audits = data["categories"], data["audits"]
    scores = {
        key: round(categories[key]["score"] * 100)
        for key in CATEGORIES
        if categories.get(key, {}).get("score") is not None
    }
    for metric in METRICS:
        value = audits.get(metric, {}).get("numericValue")
        if value is not None:
            scores[metric] = round(value * 1000 if metric == "cumulative-layout-shift" else value)
    return scores


if __name__ == "__main__":
    sys.exit(main())
