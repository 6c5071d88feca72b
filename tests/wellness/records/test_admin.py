"""Staff: the union's item overrides, scoped to the union; the 組合スタッフ's permissions."""

from django.contrib.auth.models import Group

from accounts.roles import CLERK, sync_roles
from kosmo.models import Union
from tests import factories
from wellness.records.items import Items
from wellness.records.models import ItemOverride

CHANGELIST = "/admin/wellness_records/itemoverride/"


def _clerk(union):
    sync_roles()
    staff = factories.StaffFactory(username="records_clerk", union=union)
    staff.groups.add(Group.objects.get(name=CLERK))
    return staff


def test_clerk_may_set_items_but_not_read_members_values(union):
    staff = _clerk(union)
    assert staff.has_perm("wellness_records.change_itemoverride")
    assert staff.has_perm("wellness_records.add_itemoverride")
    assert staff.has_perm("wellness_records.view_stepimport")
    assert not staff.has_perm("wellness_records.view_dailyrecord")
    assert not staff.has_perm("wellness_records.change_dailyrecord")
    assert not staff.has_perm("wellness_records.view_recordchange")


def test_staff_see_and_create_only_their_unions_overrides(client, union):
    other = factories.UnionFactory(name="よその健康保険組合", tier=Union.ContractTier.RICH)
    ItemOverride.objects.create(union=other, item_key="meals", name="よその食事")
    staff = _clerk(union)
    factories.staff_login(client, staff)

    page = client.get(CHANGELIST).content.decode()
    assert "よその食事" not in page

    response = client.post(
        "/admin/wellness_records/itemoverride/add/",
        {"item_key": "steps", "name": "", "minimum": "0", "maximum": "60000", "enabled": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    override = ItemOverride.objects.get(item_key="steps")
    assert override.union == union
    assert Items.for_union(union).get("steps").maximum == 60000
    assert Items.for_union(other).get("steps").maximum == 100000

    theirs = ItemOverride.objects.get(union=other)
    assert client.get(f"{CHANGELIST}{theirs.pk}/change/").status_code in (302, 404)
