"""{% site_header %} writes what components/header.html wrote (its former text: oracles/)."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory

from notices import services
from notices.unread import unread_counts

ORACLE = (Path(__file__).parent / "oracles" / "header.html").read_text(encoding="utf-8")


def _same_html(text: str) -> str:
    return re.sub(r">\s+<", "><", str(text)).strip()


@pytest.fixture
def signed_in(union, insured, staff):
    services.send_message(insured.person, "件名", "本文")
    return {"member": insured, "staff": staff}


@pytest.mark.parametrize("who", ["member", "staff", "visitor"])
@pytest.mark.parametrize("portal_open", [True, False])
def test_the_header_is_what_its_template_wrote(union, signed_in, who, portal_open):
    request = RequestFactory().get("/", HTTP_HOST="kosmo.localhost")
    request.union = union
    request.user = signed_in.get(who, AnonymousUser())
    request.member = getattr(request.user, "person", None)
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    context = {"portal_open": portal_open}
    unread = None
    if request.member and portal_open:
        unread = unread_counts(request.member.pk, union.pk)
    expected = engines["django"].from_string(ORACLE).render({**context, "unread": unread}, request)
    written = (
        engines["django"]
        .from_string("{% load notices %}{% site_header %}")
        .render(context, request)
    )
    assert _same_html(written) == _same_html(expected)
    if who == "member" and portal_open:
        assert "MYメール 未読1件" in written


def test_members_with_the_same_counts_share_the_header_with_their_own_name(
    union, insured, dependent
):
    dependent.person.given_name = "<花子> & 'さん'"
    dependent.person.save()
    headers = []
    for user in (insured, dependent):
        request = RequestFactory().get("/", HTTP_HOST="kosmo.localhost")
        request.union, request.user, request.member = union, user, user.person
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        template = engines["django"].from_string("{% load notices %}{% site_header %}")
        headers.append(template.render({"portal_open": True}, request))
    assert insured.display_name in headers[0] and "花子" not in headers[0]
    assert "&lt;花子&gt; &amp; &#x27;さん&#x27;" in headers[1]
    assert "<花子>" not in headers[1]
    assert headers[0].replace(insured.display_name, "") == headers[1].replace(
        "山田 &lt;花子&gt; &amp; &#x27;さん&#x27;", ""
    )
