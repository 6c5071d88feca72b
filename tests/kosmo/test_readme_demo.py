"""The README's demo accounts are the ones `seed_demo` makes: every user ID and password it
names signs in, on the portal its table names, and every demo account is named there."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from kosmo import membership
from kosmo.models import Union

README = Path(settings.BASE_DIR) / "README.md"
# `user_id` or `user_id` / `password` (an account with a password of its own).
ACCOUNT = re.compile(r"`([a-z][a-z0-9_]*)`(?: / `([^`]+)`)?")


def _demo_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Two commands")
    return text[start : text.index("### Tests", start)]


def _named_accounts(section: str) -> dict[str, str]:
    """User ID → password, as the README's demo section names them."""
    common = re.search(r"every demo password is `([^`]+)`", section).group(1)
    return {user_id: own or common for user_id, own in ACCOUNT.findall(section)}


def _portal_rows(section: str) -> list[tuple[str, str, list[str]]]:
    """(host, union name, user IDs) of each row of the demo table."""
    rows = re.findall(r"^\| http://([^:/]+)(?::\d+)?/ \| ([^|]+) \|[^|]*\|(.*)\|$", section, re.M)
    return [(host, name.strip(), [m[0] for m in ACCOUNT.findall(ids)]) for host, name, ids in rows]


@pytest.fixture
def demo(db, settings):
    settings.ALLOWED_HOSTS = [".localhost", "127.0.0.1", "testserver"]
    call_command("seed_demo", stdout=io.StringIO())


def _signs_in(user_id: str, password: str, host: str) -> bool:
    """The password step passes: on to the second factor or the first login, not back."""
    response = Client().post(
        "/accounts/login/", {"login": user_id, "password": password}, HTTP_HOST=host
    )
    return response.status_code == 302 and not response.url.startswith("/accounts/login/")


def test_every_account_the_readme_names_exists_and_signs_in(demo):
    named = _named_accounts(_demo_section())

    for user_id, password in named.items():
        user = User.objects.filter(username=user_id).first()
        assert user is not None, f"README names {user_id}, which seed_demo does not make"
        union = user.union or Union.objects.order_by("pk").first()  # the operator: any portal
        closed = user.person_id and membership.standing(user.person) is membership.Standing.CLOSED
        # A former member past the union's window is named to show the refusal.
        assert _signs_in(user_id, password, union.domain) is not closed, user_id
    assert named["k100000001"] == "Kari-pass-2026"  # the fresh account's own password


def test_each_table_row_names_its_unions_portal_and_members(demo):
    rows = _portal_rows(_demo_section())

    assert len(rows) == Union.objects.count()
    for host, name, user_ids in rows:
        union = Union.objects.get(name=name)
        assert union.domain == host, name
        members = set(
            User.objects.filter(union=union, person__isnull=False).values_list(
                "username", flat=True
            )
        )
        assert set(user_ids) == members, name


def test_every_demo_account_is_named_in_the_readme(demo):
    named = _named_accounts(_demo_section())

    missing = set(User.objects.values_list("username", flat=True)) - set(named)
    assert not missing, f"seed_demo makes accounts the README does not name: {sorted(missing)}"
