"""Container healthcheck for the web service: GET /healthz, exit 0 on HTTP 200.

Sends a Host that ALLOWED_HOSTS accepts (Django answers 400 to any other), so the check
keeps passing when the site is deployed under its real domain. /healthz is liveness: it needs
no Redis (a Redis outage must not mark web unhealthy); the union lookup every request makes
reads PostgreSQL (once per 30 s per process), so a lost database turns the container
unhealthy too.

`--ready` asks /readyz instead and prints its report (PostgreSQL, the cache, the worker
queue and, with `--workers`, a ping of the Celery workers): exit 0 only when all answer.
    docker compose exec web python docker/healthcheck.py --ready --workers
"""

import os
import sys
import urllib.error
import urllib.request


def allowed_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "localhost").split(","):
        entry = entry.strip()
        if entry and entry != "*":
            return entry.lstrip(".")  # ".example.jp" also allows example.jp itself
    return "localhost"


def main(argv: list[str]) -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    ready = "--ready" in argv
    path = "/readyz" if ready else "/healthz"
    if ready and "--workers" in argv:
        path += "?workers=1"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": allowed_host()}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            if ready:
                print(response.read().decode())
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as error:  # /readyz answers 503 with its report
        if ready:
            print(error.read().decode())
        print(f"healthcheck failed: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        print(f"healthcheck failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
