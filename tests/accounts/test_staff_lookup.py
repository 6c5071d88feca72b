"""The read-only member lookup (issue 14): the clerk reads a person's 医療費, 処方, 給付金 and
健診 in admin, and every staff look at personal data shows in the member's security log."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import SecurityEvent
from accounts.roles import CLERK
from eligibility.models import AddressChangeRequest
from tests import factories
from tests.benefits.factories import BenefitPaymentFactory
from tests.checkup.factories import checkup_with

SECURITY_LOG = "/accounts/security/"


@pytest.fixture
def clerk(union):
    user = factories.StaffFactory(username="clerk_cosmo", union=union)
    user.groups.add(Group.objects.get(name=CLERK))
    return user


@pytest.fixture
def clerk_client(clerk):
    return factories.staff_login(Client(), clerk)


def _lookup(person, key="", **query):
    url = f"/admin/kosmo/person/{person.pk}/lookup/"
    return url + (f"{key}/" if key else "") + (f"?year={query['year']}" if query else "")


def test_the_clerk_reads_a_members_medical_expenses_of_one_fiscal_year(clerk_client, insured):
    person = insured.person
    factories.ClaimFactory(
        person=person,
        service_month=dt.date(2025, 3, 1),
        provider_name="コスモ内科クリニック",
        insurer_paid=12600,
        patient_paid=5400,
    )
    factories.ClaimFactory(
        person=person, service_month=dt.date(2025, 4, 1), provider_name="さくら歯科"
    )

    first = clerk_client.get(_lookup(person))
    page = clerk_client.get(_lookup(person, "medical")).content.decode()
    earlier = clerk_client.get(_lookup(person, "medical", year=2024)).content.decode()

    assert first.url == _lookup(person, "medical")
    assert "2025年度の医療費" in page and "さくら歯科" in page
    assert "コスモ内科クリニック" not in page  # 2025/03 belongs to 2024年度
    assert "2024年度の医療費" in earlier
    assert "コスモ内科クリニック" in earlier
    assert "¥18,000" in earlier and "¥5,400" in earlier
    for tab in ["医療費", "処方", "給付金", "健診"]:
        assert f">{tab}</a>" in page


def test_each_section_shows_what_the_member_sees(clerk_client, insured):
    person = insured.person
    factories.PrescriptionLineFactory(person=person, drug__name="ロキソニン錠60mg")
    BenefitPaymentFactory(person=person, paid_month=dt.date(2025, 10, 1), amount=8200)
    checkup_with(person, sbp="142")

    prescriptions = clerk_client.get(_lookup(person, "prescriptions")).content.decode()
    benefits = clerk_client.get(_lookup(person, "benefits")).content.decode()
    checkup = clerk_client.get(_lookup(person, "checkup")).content.decode()

    assert "ロキソニン錠60mg" in prescriptions and "現状支払額 総計" in prescriptions
    assert "インフルエンザ予防接種補助金" in benefits and "¥8,200" in benefits
    assert "収縮期血圧" in checkup and "142" in checkup


def test_every_lookup_is_shown_to_the_member_without_the_clerks_name(clerk_client, clerk, insured):
    clerk_client.get(_lookup(insured.person, "medical"))
    clerk_client.get(_lookup(insured.person, "checkup"))

    events = SecurityEvent.objects.filter(kind="staff_viewed").order_by("pk")
    assert [(e.user, e.actor, e.person, e.detail) for e in events] == [
        (insured, clerk, insured.person, "medical"),
        (insured, clerk, insured.person, "checkup"),
    ]
    member = Client()
    member.force_login(insured)
    log = member.get(SECURITY_LOG).content.decode()
    assert "組合の担当者があなたの医療費情報を閲覧しました" in log
    assert "組合の担当者があなたの健診結果を閲覧しました" in log
    assert "clerk_cosmo" not in log
    assert "健保組合による操作" in log


def test_a_look_at_a_child_without_an_account_shows_in_the_insureds_log(
    clerk_client, insured, child
):
    clerk_client.get(_lookup(child, "medical"))

    member = Client()
    member.force_login(insured)
    log = member.get(SECURITY_LOG).content.decode()
    assert f"組合の担当者が{child.full_name}さんの医療費情報を閲覧しました" in log


def test_a_person_of_another_union_cannot_be_looked_up(clerk_client, other_union_member):
    for key in ["", "medical", "checkup"]:
        response = clerk_client.get(_lookup(other_union_member.person, key))
        assert response.status_code in (302, 404)
        assert "田中" not in response.content.decode()
    assert not SecurityEvent.objects.filter(kind="staff_viewed").exists()


def test_staff_without_the_datas_view_right_get_no_such_tab(union, insured):
    from django.contrib.auth.models import Permission

    staff = factories.StaffFactory(username="narrow", union=union)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_person"),
        Permission.objects.get(codename="view_benefitpayment"),
    )
    client = factories.staff_login(Client(), staff)

    page = client.get(_lookup(insured.person, "benefits")).content.decode()

    assert ">給付金</a>" in page and ">医療費</a>" not in page
    assert client.get(_lookup(insured.person, "medical")).status_code == 403
    assert client.get(_lookup(insured.person, "nonsense")).status_code == 404


def test_the_person_page_links_to_the_lookup(clerk_client, insured):
    page = clerk_client.get(f"/admin/kosmo/person/{insured.person.pk}/change/").content.decode()

    assert _lookup(insured.person) in page
    assert "医療費・処方・給付金・健診を照会する" in page


def test_opening_an_address_change_request_is_a_recorded_look(clerk_client, clerk, insured):
    request = AddressChangeRequest.objects.create(
        person=insured.person,
        requested_by=insured,
        postal_code="1000001",
        address="東京都千代田区千代田1-1",
    )

    page = clerk_client.get(f"/admin/eligibility/addresschangerequest/{request.pk}/change/")

    assert page.status_code == 200
    look = SecurityEvent.objects.get(kind="staff_viewed")
    assert (look.user, look.actor, look.detail) == (insured, clerk, "eligibility")


def test_the_prescription_copay_rounds_half_up_in_the_lookup(clerk_client, insured):
    # 支払額 = 薬価 35.00 × 使用量 1 × 3割 = 10.5: half-up gives ¥11, half-even ¥10.
    factories.PrescriptionLineFactory(
        person=insured.person,
        drug__name="テスト錠",
        unit_price=Decimal("35.00"),
        quantity=Decimal("1"),
    )

    page = clerk_client.get(_lookup(insured.person, "prescriptions")).content.decode()

    assert "¥11" in page and "¥10<" not in page
