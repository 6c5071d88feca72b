"""From the outside: the 確認書's back-side flows and the staff actions reach no one else's rows."""

from django.contrib.auth.models import Permission

from eligibility.models import AddressChangeRequest, EligibilityCertificate, OrganDonationIntent
from tests.eligibility.factories import CertificateFactory

ADDRESS = {"postal_code": "160-0023", "address": "東京都新宿区西新宿3-2-1", "step": "save"}


def test_a_dependent_cannot_send_for_the_insured_persons_certificate(
    client, insured_certificate, dependent, dependent_certificate
):
    client.force_login(dependent)

    address = client.post(f"/eligibility/certificate/{insured_certificate.pk}/address/", ADDRESS)
    organ = client.post(
        f"/eligibility/certificate/{insured_certificate.pk}/organ-donation/",
        {"choice": "3", "step": "save"},
    )
    own = client.post(f"/eligibility/certificate/{dependent_certificate.pk}/address/", ADDRESS)

    assert (address.status_code, organ.status_code) == (404, 404)
    assert own.status_code == 302
    assert list(AddressChangeRequest.objects.values_list("person", flat=True)) == [
        dependent.person.pk
    ]
    assert not OrganDonationIntent.objects.exists()


def test_an_address_change_for_another_household_or_union_is_a_404(
    member_client, other_household_member, other_union_member
):
    for other in (other_household_member, other_union_member):
        cert = CertificateFactory(person=other.person)
        response = member_client.post(f"/eligibility/certificate/{cert.pk}/address/", ADDRESS)
        assert response.status_code == 404
    assert not AddressChangeRequest.objects.exists()


def test_staff_actions_leave_another_unions_rows_alone(client, staff, other_union_member):
    theirs = CertificateFactory(person=other_union_member.person)
    change = AddressChangeRequest.objects.create(
        person=other_union_member.person, postal_code="100-0001", address="よその住所"
    )
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="eligibility"))
    client.force_login(staff)

    client.post(
        "/admin/eligibility/eligibilitycertificate/",
        {"action": "suspend", "_selected_action": [theirs.pk]},
    )
    client.post(
        "/admin/eligibility/addresschangerequest/",
        {"action": "apply", "_selected_action": [change.pk]},
    )

    assert not EligibilityCertificate.objects.get(pk=theirs.pk).suspended
    change.refresh_from_db()
    other_union_member.person.refresh_from_db()
    assert change.applied_at is None
    assert other_union_member.person.address != "よその住所"


def test_staff_who_may_only_view_cannot_run_the_actions(client, staff, insured):
    cert = CertificateFactory(person=insured.person)
    change = AddressChangeRequest.objects.create(
        person=insured.person, postal_code="160-0023", address="新しい住所1-1"
    )
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="eligibility", codename__startswith="view"
        )
    )
    client.force_login(staff)

    client.post(
        "/admin/eligibility/eligibilitycertificate/",
        {"action": "suspend", "_selected_action": [cert.pk]},
    )
    client.post(
        "/admin/eligibility/addresschangerequest/",
        {"action": "apply", "_selected_action": [change.pk]},
    )

    assert not EligibilityCertificate.objects.get(pk=cert.pk).suspended
    change.refresh_from_db()
    assert change.applied_at is None
