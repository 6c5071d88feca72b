"""Staff screens: imported checkups read-only, the union's own criteria and columns editable,
everything scoped to the staff member's union."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from accounts.models import SecurityEvent
from checkup.models import Column, CriteriaOverride
from tests import factories
from tests.checkup.factories import ColumnFactory, checkup_with

PERMISSIONS = [
    "view_checkup",
    "view_checkupresult",
    "view_checkupimport",
    "view_criteriaoverride",
    "add_criteriaoverride",
    "change_criteriaoverride",
    "view_column",
    "add_column",
    "change_column",
]


@pytest.fixture
def staff_client(client, staff):
    for codename in PERMISSIONS:
        staff.user_permissions.add(
            Permission.objects.get(content_type__app_label="checkup", codename=codename)
        )
    client.force_login(staff)
    return client


def test_staff_read_their_unions_checkups_without_changing_them(
    staff_client, insured, other_union_member
):
    own = checkup_with(insured.person, sbp="142")
    other = checkup_with(other_union_member.person)

    listing = staff_client.get("/admin/checkup/checkup/").content.decode()
    page = staff_client.get(f"/admin/checkup/checkup/{own.pk}/change/").content.decode()

    assert "山田 太郎" in listing and "田中 一郎" not in listing
    assert "収縮期血圧" in page and "142" in page
    assert 'name="_save"' not in page  # view only
    assert staff_client.get(f"/admin/checkup/checkup/{other.pk}/change/").status_code == 302
    assert staff_client.get("/admin/checkup/checkup/add/").status_code == 403


def test_every_staff_view_of_a_checkup_is_recorded(staff_client, staff, insured):
    checkup = checkup_with(insured.person)

    staff_client.get(f"/admin/checkup/checkup/{checkup.pk}/change/")
    staff_client.get("/admin/checkup/checkup/")  # the list shows no values: not recorded

    [look] = SecurityEvent.objects.filter(kind="staff_viewed")
    assert (look.actor, look.person, look.user, look.detail) == (
        staff,
        insured.person,
        insured,
        "checkup",
    )


def test_staff_add_their_unions_criteria(staff_client, union):
    response = staff_client.post(
        "/admin/checkup/criteriaoverride/add/",
        {
            "item_key": "sbp",
            "sex": "",
            "grades": '[{"grade": "A", "lt": 135}, {"grade": "C"}]',
            "reference": "134以下",
            "in_reference": "null",
            "referral": '{"ge": 150}',
            "note": "組合の保健事業方針",
        },
    )

    assert response.status_code == 302, response.content.decode()
    override = CriteriaOverride.objects.get()
    assert override.union == union and override.referral == {"ge": 150}


def test_staff_see_the_shipped_criteria_below_their_own(staff_client):
    html = staff_client.get("/admin/checkup/criteriaoverride/").content.decode()

    assert "標準の検査項目と基準 (2024-r6)" in html
    assert "<td>収縮期血圧</td><td>9A755000000000001</td><td>mmHg</td><td>男女共通</td>" in html
    assert "A 130未満 → B 140未満 → C 160未満 → D (その他)" in html
    assert "<td>血清クレアチニン</td><td>3C015000002327101</td><td>mg/dL</td><td>女</td>" in html


def test_criteria_with_a_bad_band_are_refused_with_a_message(union):
    override = CriteriaOverride(union=union, item_key="sbp", grades=[{"grade": "E", "lt": 1}])

    with pytest.raises(ValidationError) as error:
        override.full_clean()

    assert error.value.message_dict["grades"] == [
        "判定区分の各行は grade (A〜D) と ge / gt / le / lt / in で書いてください。"
    ]
    override.grades, override.referral = None, {"over": 3}
    with pytest.raises(ValidationError) as error:
        override.full_clean()
    assert error.value.message_dict["referral"] == [
        "条件は ge / gt / le / lt / in で書いてください。"
    ]


def test_staff_write_columns_for_their_union_only(staff_client, union):
    ColumnFactory(union=factories.UnionFactory(), title="よそのコラム")

    response = staff_client.post(
        "/admin/checkup/column/add/",
        {
            "category": "glucose",
            "title": "間食を見直す",
            "summary": "",
            "body": "本文",
            "published": "on",
            "order": "1",
        },
    )

    assert response.status_code == 302
    assert Column.objects.get(title="間食を見直す").union == union
    assert "よそのコラム" not in staff_client.get("/admin/checkup/column/").content.decode()
