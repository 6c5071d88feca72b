import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import IntegrityError

from accounts.models import User
from kosmo.models import Household, Person, Union
from tests import factories


def test_insured_member_sees_the_whole_household(insured, dependent, child, other_household_member):
    visible = set(Person.objects.visible_to(insured))

    assert visible == {insured.person, dependent.person, child}


def test_dependent_sees_only_themself(insured, dependent, child):
    assert list(Person.objects.visible_to(dependent)) == [dependent.person]


def test_staff_sees_no_member_through_the_portal(staff, insured):
    assert list(Person.objects.visible_to(staff)) == []


def test_a_household_has_one_insured_person(household, insured):
    with pytest.raises(IntegrityError):
        factories.PersonFactory(household=household, branch="05")


def test_dependent_cannot_be_recorded_as_self(household):
    with pytest.raises(IntegrityError):
        factories.DependentFactory(household=household, relationship=Person.Relationship.SELF)


def test_user_id_is_stored_lower_case_and_unique_in_any_case(insured):
    assert User.objects.get_by_natural_key("YAMADA_TARO") == insured
    with pytest.raises(IntegrityError):
        User.objects.create_user("Yamada_Taro", "x" * 12)


def test_member_account_takes_the_union_of_its_person(insured, union):
    assert insured.union == union
    assert insured.display_name == "山田 太郎"


def test_seed_demo_can_run_twice(db, capsys):
    call_command("seed_demo")
    counts = (
        Union.objects.count(),
        Household.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo")

    assert counts == (
        Union.objects.count(),
        Household.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    )
    # 10 members (2 of them former members, 資格喪失), 2 clerks, 1 union admin, 1 operator
    assert counts == (2, 5, 13, 14)
    output = capsys.readouterr().out
    assert "yamada_taro" in output and "Kosmo-demo-2026" in output
    kosmo = Union.objects.get(slug="kosmo")
    assert kosmo.tier == Union.ContractTier.RICH
    assert Union.objects.get(slug="sakura").tier == Union.ContractTier.STANDARD


def test_demo_member_can_sign_in(client, db):
    call_command("seed_demo")

    host = "kosmo.localhost"  # the rich demo union's portal
    response = factories.sign_in(client, "yamada_taro", "Kosmo-demo-2026", HTTP_HOST=host)

    assert response.status_code == 302
    assert "山田 太郎" in client.get("/", HTTP_HOST=host).content.decode()


def test_staff_admin_lists_only_their_unions_persons(client, staff, insured, other_union_member):
    staff.user_permissions.add(Permission.objects.get(codename="view_person"))
    client.force_login(staff)

    html = client.get("/admin/kosmo/person/").content.decode()

    assert "山田 太郎" in html
    assert "田中 一郎" not in html
