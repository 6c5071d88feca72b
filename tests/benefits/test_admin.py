"""Staff screens: the 給付種別 master per union (editable), payments and imports (read-only)."""

import pytest
from django.contrib.auth.models import Permission

from benefits.models import BenefitPayment, BenefitType
from tests import factories
from tests.benefits.factories import BenefitPaymentFactory, BenefitTypeFactory

PAYMENTS = "/admin/benefits/benefitpayment/"
TYPES = "/admin/benefits/benefittype/"
IMPORTS = "/admin/benefits/benefitimport/"


@pytest.fixture
def staff_client(client, staff):
    for codename in (
        "view_benefitpayment",
        "change_benefitpayment",
        "add_benefitpayment",
        "delete_benefitpayment",
        "view_benefittype",
        "add_benefittype",
        "change_benefittype",
        "view_benefitimport",
    ):
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(staff)
    return client


@pytest.fixture
def foreign_payment(other_union_member):
    return BenefitPaymentFactory(
        person=other_union_member.person,
        benefit_type=BenefitTypeFactory(
            union=other_union_member.union, code="F1", name="よその組合の付加給付"
        ),
        amount=77777,
    )


def test_staff_list_only_their_unions_payments(staff_client, manual_december, foreign_payment):
    html = staff_client.get(PAYMENTS).content.decode()

    assert "山田 太郎" in html and "山田 花子" in html
    assert "田中 一郎" not in html and "77777" not in html and "77,777" not in html
    assert "よその組合の付加給付" not in html  # not even in the 給付種別 filter


def test_imported_payments_are_read_only(staff_client, insured, manual_december):
    payment = BenefitPayment.objects.get(person=insured.person)
    url = f"{PAYMENTS}{payment.pk}/change/"

    page = staff_client.get(url).content.decode()
    post = staff_client.post(url, {"amount": "1"})

    assert 'name="_save"' not in page and "インフルエンザ予防接種補助金" in page
    assert post.status_code == 403
    assert staff_client.get(f"{PAYMENTS}add/").status_code == 403
    assert staff_client.get(f"{PAYMENTS}{payment.pk}/delete/").status_code == 403
    payment.refresh_from_db()
    assert payment.amount == 3000


def test_another_unions_payment_is_not_found(staff_client, foreign_payment):
    response = staff_client.get(f"{PAYMENTS}{foreign_payment.pk}/change/")

    assert response.status_code == 302  # the admin's 「存在しません」 redirect to its index
    assert "77777" not in staff_client.get(response.url).content.decode()


def test_staff_add_a_type_to_their_own_unions_master(staff_client, union, staff):
    response = staff_client.post(
        f"{TYPES}add/", {"code": "H02", "name": "歯科健診補助金", "sort_order": "95"}
    )

    assert response.status_code == 302
    added = BenefitType.objects.get(code="H02")
    assert added.union == union and added.name == "歯科健診補助金"


def test_a_duplicate_type_is_refused_with_a_message(staff_client, types):
    response = staff_client.post(
        f"{TYPES}add/", {"code": "S01", "name": "傷病手当金", "sort_order": "0"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "この給付種別コードは登録済みです。" in html and "この給付種別は登録済みです。" in html
    assert BenefitType.objects.filter(code="S01").count() == 1


def test_the_same_code_may_exist_in_another_union(staff_client, union, other_union_member):
    BenefitTypeFactory(union=other_union_member.union, code="H02", name="歯科健診補助金")

    response = staff_client.post(
        f"{TYPES}add/", {"code": "H02", "name": "歯科健診補助金", "sort_order": "0"}
    )

    assert response.status_code == 302
    assert BenefitType.objects.filter(code="H02").count() == 2


def test_staff_see_only_their_unions_types_and_imports(
    staff_client, types, foreign_payment, tmp_path, union
):
    from benefits.imports import import_benefits

    other = foreign_payment.household.union
    path = tmp_path / "other.csv"
    path.write_text("記号,番号,枝番,支給年月,給付種別,支給金額\n")
    import_benefits(union=other, source=path)

    types_html = staff_client.get(TYPES).content.decode()
    imports_html = staff_client.get(IMPORTS).content.decode()

    assert "傷病手当金" in types_html and "よその組合の付加給付" not in types_html
    assert "other.csv" not in imports_html


def test_members_cannot_open_the_admin(member_client, manual_december):
    response = member_client.get(PAYMENTS)

    assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_type_in_use_cannot_be_deleted(union, manual_december, types):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        types["インフルエンザ予防接種補助金"].delete()


def test_superuser_without_union_sees_every_union(client, manual_december, foreign_payment):
    admin = factories.StaffFactory(username="kosmo_admin", union=None, is_superuser=True)
    client.force_login(admin)

    html = client.get(PAYMENTS).content.decode()

    assert "山田 太郎" in html and "田中 一郎" in html
