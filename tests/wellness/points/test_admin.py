"""Staff: orders, the supplier's CSV, adjustments and freezes, scoped to the union, audited."""

import csv
import io

import pytest
from django.contrib.auth.models import Group

from accounts.roles import CLERK, sync_roles
from kosmo.models import Union
from tests import factories
from tests.wellness.points.conftest import give, make_goods
from wellness.points import services
from wellness.points.models import Order, PointAccount, PointEntry, StaffAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(rich):
    sync_roles()
    staff = factories.StaffFactory(username="points_clerk", union=rich)
    staff.groups.add(Group.objects.get(name=CLERK))
    return staff


@pytest.fixture
def staff_client(client, clerk):
    return factories.staff_login(client, clerk)


def order_for(person, item, token="t"):
    return services.place_order(
        person=person,
        item=item,
        token=token,
        origin=services.Origin(browser="Chrome / Windows", new_browser=True),
        shipping={
            "recipient_name": "=HYPERLINK(1)",
            "postal_code": "1000001",
            "address": "東京都千代田区",
            "phone": "0312345678",
        },
    )


def test_clerk_may_adjust_freeze_and_fulfil_but_never_edit_the_ledger(clerk):
    assert clerk.has_perm("wellness_points.add_pointentry")
    assert not clerk.has_perm("wellness_points.change_pointentry")
    assert not clerk.has_perm("wellness_points.delete_pointentry")
    assert clerk.has_perm("wellness_points.change_order")
    assert not clerk.has_perm("wellness_points.delete_order")
    assert clerk.has_perm("wellness_points.change_pointaccount")
    assert clerk.has_perm("wellness_points.change_item")
    assert not clerk.has_perm("wellness_points.add_staffaction")


def test_staff_adjustment_is_a_new_entry_with_reason_and_audit(staff_client, person, clerk):
    give(person, 100)
    response = staff_client.post(
        "/admin/wellness_points/pointentry/add/",
        {"person": person.pk, "points": "-30", "reason": "二重付与の取り消し"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = PointEntry.objects.get(kind=PointEntry.Kind.ADJUST)
    assert entry.points == -30 and entry.staff == clerk
    assert services.balance(person) == 70
    action = StaffAction.objects.get()
    assert action.staff == clerk and "二重付与の取り消し" in action.detail
    page = staff_client.post(
        "/admin/wellness_points/pointentry/add/",
        {"person": person.pk, "points": "5", "reason": ""},
    ).content.decode()
    assert "理由を入力してください。" in page


def test_staff_freeze_is_audited_and_stops_earning(staff_client, person, clerk):
    response = staff_client.post(
        "/admin/wellness_points/pointaccount/add/",
        {"person": person.pk, "frozen": "on", "frozen_reason": "乗っ取りの疑い"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PointAccount.objects.get(person=person).frozen
    assert StaffAction.objects.get().action == "ポイント凍結"
    assert services.award(person, points=5, source="t", key="k", reason="t") is None


def test_staff_see_only_their_unions_orders_and_new_browsers(staff_client, rich, person):
    give(person, 2000)
    mine = order_for(person, make_goods(rich))
    other_union = factories.UnionFactory(name="よその健康保険組合", tier=Union.ContractTier.RICH)
    stranger = factories.PersonFactory(household__union=other_union)
    give(stranger, 2000)
    theirs = order_for(stranger, make_goods(other_union))
    page = staff_client.get("/admin/wellness_points/order/?new_browser__exact=1").content.decode()
    assert f"/admin/wellness_points/order/{mine.pk}/change/" in page
    assert f"/admin/wellness_points/order/{theirs.pk}/change/" not in page
    assert staff_client.get(f"/admin/wellness_points/order/{theirs.pk}/change/").status_code in (
        302,
        404,
    )
    assert staff_client.get("/admin/wellness_points/pointentry/").status_code == 200


def test_fulfil_and_supplier_csv(staff_client, rich, person, clerk):
    give(person, 2000)
    order = order_for(person, make_goods(rich))
    response = staff_client.post(
        "/admin/wellness_points/order/",
        {"action": "export_csv", "_selected_action": [order.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["申込番号", "申込日時", "商品名"]
    assert rows[1][2] == "タオルセット" and rows[1][6] == "'=HYPERLINK(1)"
    staff_client.post(
        "/admin/wellness_points/order/",
        {"action": "mark_fulfilled", "_selected_action": [order.pk]},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    assert services.cancel_refusal(order) == "発送済みのため、キャンセルできません。"
    assert StaffAction.objects.get(action="発送済みにする").staff == clerk
