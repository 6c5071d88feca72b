"""The demo makes 資格喪失 visible in the rich union: 鈴木 大輔 inside the window signs in to a
read-only portal whose history stops at his 喪失日; 鈴木 恵子, past it, is refused with the
union's contact. The demo unions' 保険者番号 pass the check digit."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.demo import DEMO_PASSWORD
from kosmo import membership
from kosmo.demo import FORMER_CLOSED, FORMER_IN_WINDOW, UNIONS, disqualified_on
from kosmo.insurer_numbers import insurer_number_error
from kosmo.models import Person, Union
from medical import queries as medical_queries
from tests import factories

HOST = "kosmo.localhost"


def test_the_demo_insurer_numbers_pass_the_check_digit():
    numbers = [union["insurer_number"] for union in UNIONS]

    assert numbers == ["06139992", "06130009"]
    assert [insurer_number_error(number) for number in numbers] == [None, None]


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 15),
        dt.date(2026, 6, 1),
        dt.date(2026, 12, 31),
    ],
)
def test_the_demo_loss_days_fall_inside_and_past_the_window_whatever_the_day(db, today):
    union = factories.UnionFactory()  # the default window: to the end of March after

    inside = disqualified_on(union, FORMER_IN_WINDOW, today)
    closed = disqualified_on(union, FORMER_CLOSED, today)

    assert inside <= today <= membership.union_access_ends_on(union, inside)
    assert membership.union_access_ends_on(union, closed) < today


@pytest.fixture
def demo(db, settings):
    settings.ALLOWED_HOSTS = [".localhost", "testserver"]
    call_command("seed_demo", stdout=io.StringIO())
    return Union.objects.get(slug="kosmo")


def test_the_demo_former_members(demo):
    daisuke = Person.objects.get(household__union=demo, given_name="大輔")
    keiko = Person.objects.get(household__union=demo, given_name="恵子")
    assert membership.standing(daisuke) is membership.Standing.FORMER
    assert membership.standing(keiko) is membership.Standing.CLOSED
    assert not Person.objects.filter(
        household__union__slug="sakura", disqualified_on__isnull=False
    ).exists()

    # Inside the window: signs in, every page says read-only, no new survey, history stops.
    client = Client(HTTP_HOST=HOST)
    response = factories.sign_in(client, "suzuki_daisuke", DEMO_PASSWORD)
    assert response.status_code == 302
    lost = daisuke.disqualified_on
    home = client.get("/").content.decode()
    assert f"資格喪失日（{lost:%Y年%-m月%-d日}）以降は閲覧のみご利用いただけます。" in home
    survey = client.get("/dependents/")
    assert survey.status_code == 403
    assert "新しいお手続きやポイントの獲得はご利用いただけません" in survey.content.decode()
    assert client.get("/medical/").status_code == 200
    user = daisuke.account
    months = set(medical_queries.claims(user).values_list("service_month", flat=True))
    assert months and max(months) < lost

    # Past the window: the right password is refused, naming the union's contact.
    refused = Client(HTTP_HOST=HOST).post(
        "/accounts/login/", {"login": "suzuki_keiko", "password": DEMO_PASSWORD}
    )
    text = refused.content.decode()
    assert "このアカウントはご利用いただけなくなりました" in text
    assert "お問い合わせ: コスモ健康保険組合" in text
    assert "03-1234-5678" in text
