"""Staff screens: certificates, 住所変更 requests (applied to the person), 臓器提供 read-only;
each scoped to the staff member's union."""

import datetime as dt

from django.contrib.auth.models import Permission

from eligibility.models import AddressChangeRequest, EligibilityCertificate, OrganDonationIntent
from tests.eligibility.factories import CertificateFactory


def _staff_client(client, staff):
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="eligibility"))
    client.force_login(staff)
    return client


def test_staff_apply_an_address_change_to_the_person(client, staff, insured):
    change = AddressChangeRequest.objects.create(
        person=insured.person, requested_by=insured, postal_code="160-0023", address="新しい住所1-1"
    )
    client = _staff_client(client, staff)

    listing = client.get("/admin/eligibility/addresschangerequest/")
    response = client.post(
        "/admin/eligibility/addresschangerequest/",
        {"action": "apply", "_selected_action": [change.pk]},
        follow=True,
    )
    again = client.post(
        "/admin/eligibility/addresschangerequest/",
        {"action": "apply", "_selected_action": [change.pk]},
        follow=True,
    )

    assert "新しい住所1-1" in listing.content.decode()
    assert "1件の住所変更を反映しました。" in response.content.decode()
    assert "0件の住所変更を反映しました。" in again.content.decode()
    insured.person.refresh_from_db()
    change.refresh_from_db()
    assert (insured.person.postal_code, insured.person.address) == ("160-0023", "新しい住所1-1")
    assert change.applied_by == staff and change.applied_at is not None


def test_staff_see_only_their_unions_rows(client, staff, insured, other_union_member):
    mine = CertificateFactory(person=insured.person)
    theirs = CertificateFactory(person=other_union_member.person)
    OrganDonationIntent.objects.create(person=other_union_member.person, choice="3")
    AddressChangeRequest.objects.create(
        person=other_union_member.person, postal_code="100-0001", address="よその住所"
    )
    client = _staff_client(client, staff)

    assert (
        client.get(f"/admin/eligibility/eligibilitycertificate/{mine.pk}/change/").status_code
        == 200
    )
    assert (
        client.get(f"/admin/eligibility/eligibilitycertificate/{theirs.pk}/change/").status_code
        == 302
    )
    assert (
        "よその住所" not in client.get("/admin/eligibility/addresschangerequest/").content.decode()
    )
    assert "田中" not in client.get("/admin/eligibility/organdonationintent/").content.decode()


def test_staff_issue_and_suspend_a_certificate(client, staff, insured):
    client = _staff_client(client, staff)

    client.post(
        "/admin/eligibility/eligibilitycertificate/add/",
        {"person": insured.person.pk, "issued_on": "2025-12-02", "expires_on": "2030-12-31"},
    )
    cert = insured.person.eligibility_certificate
    client.post(
        "/admin/eligibility/eligibilitycertificate/",
        {"action": "suspend", "_selected_action": [cert.pk]},
    )

    cert.refresh_from_db()
    assert cert.suspended


def test_organ_donation_records_are_read_only(client, staff, insured):
    intent = OrganDonationIntent.objects.create(
        person=insured.person, choice="2", excluded_organs=["heart", "eyes"]
    )
    client = _staff_client(client, staff)

    page = client.get(f"/admin/eligibility/organdonationintent/{intent.pk}/change/")
    listing = client.get("/admin/eligibility/organdonationintent/").content.decode()

    assert page.status_code == 200
    assert 'name="choice"' not in page.content.decode()
    assert "心臓・眼球" in listing
    assert client.get("/admin/eligibility/organdonationintent/add/").status_code == 403
    assert (
        client.post(f"/admin/eligibility/organdonationintent/{intent.pk}/delete/").status_code
        == 403
    )


def test_an_unrelated_persons_certificate_cannot_be_added_by_staff(
    client, staff, other_union_member
):
    client = _staff_client(client, staff)

    response = client.post(
        "/admin/eligibility/eligibilitycertificate/add/",
        {
            "person": other_union_member.person.pk,
            "issued_on": "2025-12-02",
            "expires_on": "2030-12-31",
        },
    )

    assert response.status_code == 200  # the form refuses a person outside the union
    assert not EligibilityCertificate.objects.exists()


def test_suspending_and_resuming_stamp_the_update_time(client, staff, insured):
    cert = CertificateFactory(person=insured.person)
    EligibilityCertificate.objects.filter(pk=cert.pk).update(
        updated_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    client = _staff_client(client, staff)

    for action in ("suspend", "resume"):
        before = EligibilityCertificate.objects.get(pk=cert.pk).updated_at
        client.post(
            "/admin/eligibility/eligibilitycertificate/",
            {"action": action, "_selected_action": [cert.pk]},
        )
        assert EligibilityCertificate.objects.get(pk=cert.pk).updated_at > before, action
