"""Container healthcheck for the web service: GET /healthz, exit 0 on HTTP 200.

Sends a Host that ALLOWED_HOSTS accepts (Django answers 400 to any other), so the check
keeps passing when the site is deployed under its real domain. /healthz also queries the
database, so a lost database turns the container unhealthy too.
"""

import os
import sys
import urllib.request


def allowed_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "localhost").split(","):
        entry = entry.strip()
        if entry and entry != "*":
            return entry.lstrip(".")  # ".example.jp" also allows example.jp itself
    return "localhost"


def main() -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": allowed_host()}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except Exception as error:
        print(f"healthcheck failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
