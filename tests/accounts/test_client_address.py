"""The client's address behind proxies (compose runs web replicas behind a proxy): with
TRUSTED_PROXY_COUNT proxies in front, the address recorded for a sign-in and counted by the
per-address limit is the one the first trusted proxy saw, never an address the client wrote
into X-Forwarded-For itself; with no proxy, REMOTE_ADDR."""

from accounts.models import SecurityEvent
from tests import factories

PROXY = "10.0.0.2"  # the compose file's nginx, as the web replica sees it
CLIENT = "203.0.113.7"
FORGED = "198.51.100.66"  # what a client may put in the header itself


def _failed_sign_in(client, insured, **headers) -> SecurityEvent:
    client.post(
        "/accounts/login/",
        {"login": insured.username, "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        **headers,
    )
    return SecurityEvent.objects.filter(user=insured).latest("pk")


def test_behind_one_proxy_the_address_is_the_one_it_appended(client, insured, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    event = _failed_sign_in(client, insured, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}")

    assert event.ip_address == CLIENT


def test_behind_two_proxies_the_address_is_the_one_the_outer_proxy_saw(client, insured, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    event = _failed_sign_in(client, insured, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}, 10.0.0.9")

    assert event.ip_address == CLIENT


def test_without_a_trusted_proxy_the_header_is_ignored(client, insured, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    event = _failed_sign_in(client, insured, HTTP_X_FORWARDED_FOR=CLIENT)

    assert event.ip_address == PROXY


def test_a_successful_sign_in_records_the_forwarded_address(client, insured, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    factories.sign_in(client, insured.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)

    assert SecurityEvent.objects.filter(user=insured).latest("pk").ip_address == CLIENT


def test_the_setting_comes_from_the_environment_and_defaults_to_no_proxy():
    from django.conf import settings

    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
