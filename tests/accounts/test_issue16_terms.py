"""Issue 16: terms published while a session is open (「ログイン状態の保存」) lead to 「同意する」
at its next request, without a query per page."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import TermsConsent, TermsVersion
from tests import factories
from tests.accounts.helpers import (
    html,
)

# --- New terms reach sessions already open --------------------------------------------------


@pytest.fixture
def terms(union):
    return TermsVersion.objects.create(
        union=union, version="1.0", body="第1条 テスト", published_at=timezone.now()
    )


def test_new_terms_lead_an_open_remembered_session_to_consent_at_the_next_request(
    client, insured, union, terms
):
    TermsConsent.objects.create(user=insured, terms=terms)
    factories.sign_in(client, insured.username, remember=True)
    assert client.get("/medical/latest/").status_code == 200

    newer = TermsVersion.objects.create(
        union=union, version="2.0", body="第1条 改定", published_at=timezone.now()
    )

    response = client.get("/medical/latest/")
    assert response.status_code == 302
    assert response.url == "/accounts/terms/"
    assert "第1条 改定" in html(client.get("/accounts/terms/"))
    assert ">同意する<" in html(client.get("/accounts/terms/"))
    client.post("/accounts/terms/", {"terms": newer.pk})
    assert client.get("/medical/latest/").status_code == 200
    assert insured.terms_consents.filter(terms=newer).exists()


def test_terms_published_for_later_apply_once_their_time_comes(
    client, insured, union, terms, monkeypatch
):
    TermsConsent.objects.create(user=insured, terms=terms)
    client.force_login(insured)
    start = timezone.now()
    TermsVersion.objects.create(
        union=union, version="2.0", body="改定", published_at=start + dt.timedelta(hours=1)
    )
    assert client.get("/").status_code == 200

    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(hours=1, seconds=1))

    assert client.get("/").url == "/accounts/terms/"


def test_a_member_who_consented_elsewhere_is_not_asked_again(client, insured, union, terms):
    TermsConsent.objects.create(user=insured, terms=terms)
    client.force_login(insured)
    assert client.get("/").status_code == 200
    newer = TermsVersion.objects.create(
        union=union, version="2.0", body="改定", published_at=timezone.now()
    )
    TermsConsent.objects.create(user=insured, terms=newer)  # on the phone, say

    assert client.get("/").status_code == 200


def test_checking_the_terms_costs_no_query_on_later_pages(
    member_client, insured, terms, django_assert_num_queries
):
    TermsConsent.objects.create(user=insured, terms=terms)
    member_client.get("/")  # the first page of a session checks the first-login steps once

    # the session and the user with person and household, as before
    with django_assert_num_queries(2):
        member_client.get("/")


def test_another_unions_terms_do_not_stop_this_unions_members(
    client, insured, terms, other_union_member
):
    TermsConsent.objects.create(user=insured, terms=terms)
    client.force_login(insured)
    assert client.get("/").status_code == 200
    TermsVersion.objects.create(
        union=other_union_member.union, version="9.0", body="他", published_at=timezone.now()
    )

    assert client.get("/").status_code == 200
