from accounts.flows import JOURNEY_DONE
from accounts.middleware import idle_timeout_seconds


def session(request):
    """The idle timeout the page's script warns about (None for remembered sessions), and
    whether the portal's menus are open (not while first-login steps are pending)."""
    return {
        "idle_timeout_seconds": idle_timeout_seconds(request),
        "portal_open": bool(getattr(request, "session", {}).get(JOURNEY_DONE)),
    }
