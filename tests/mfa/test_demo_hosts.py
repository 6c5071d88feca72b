"""Every demo union is served on a host name browsers accept as a passkey relying party:
`*.localhost` reaches this machine, while Chromium refuses an IP address such as 127.0.0.1."""

import ipaddress
import json
import time

import pytest
from django.core.management import call_command
from django.test import Client

from accounts import flows as account_flows
from accounts.models import User
from kosmo.models import Union

pytestmark = pytest.mark.django_db


def _is_ip(host):
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@pytest.fixture
def demo(capsys):
    call_command("seed_demo")
    return capsys.readouterr().out


def test_every_demo_union_has_a_localhost_name(demo):
    domains = dict(Union.objects.values_list("slug", "domain"))

    assert domains == {"kosmo": "kosmo.localhost", "sakura": "sakura.localhost"}
    assert not any(_is_ip(domain) for domain in domains.values())


def test_the_default_allowed_hosts_serve_the_demo_portals(demo):
    # Tests run with settings.py's default ALLOWED_HOSTS (plus Django's "testserver").
    for union in Union.objects.all():
        response = Client(HTTP_HOST=f"{union.domain}:8000").get("/")

        assert response.status_code == 200
        assert union.name in response.content.decode()


@pytest.mark.parametrize("slug, username", [("kosmo", "yamada_taro"), ("sakura", "tanaka_ichiro")])
def test_passkey_registration_on_a_demo_portal_names_its_host_as_relying_party(
    demo, slug, username
):
    union = Union.objects.get(slug=slug)
    client = Client(HTTP_HOST=f"{union.domain}:8000")
    client.force_login(User.objects.get(username=username))
    session = client.session
    session[account_flows.REAUTHENTICATED_AT] = time.time()
    session.save()

    options = json.loads(client.post("/mfa/setup/passkey/register/options/").content)

    assert options["rp"]["id"] == union.domain
    assert not _is_ip(options["rp"]["id"])


def test_make_run_ends_with_the_portals_addresses(demo):
    last = demo.strip().splitlines()[-3:]

    assert last[0].startswith("デモのポータル")
    assert "http://kosmo.localhost:8000/" in last[1] and "コスモ健康保険組合" in last[1]
    assert "http://sakura.localhost:8000/" in last[2] and "さくら健康保険組合" in last[2]
