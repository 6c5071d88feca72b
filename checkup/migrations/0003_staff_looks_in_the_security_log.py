"""Staff reading a checkup is recorded like every other staff look at personal data: in the
security log (accounts.SecurityEvent, kind staff_viewed), which the member reads too. The
checkup-only audit table goes, its rows carried over."""

from django.db import migrations


def carry_over(apps, schema_editor):
    StaffView = apps.get_model("checkup", "StaffView")
    SecurityEvent = apps.get_model("accounts", "SecurityEvent")
    User = apps.get_model("accounts", "User")
    for view in StaffView.objects.all().iterator():
        account = (
            User.objects.filter(person_id=view.person_id).first()
            or User.objects.filter(
                person__household_id=view.person.household_id, person__role="insured"
            ).first()
        )
        SecurityEvent.objects.create(
            user=account,
            kind="staff_viewed",
            created_at=view.viewed_at,
            detail="checkup",
            actor_id=view.staff_id,
            person_id=view.person_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checkup", "0002_staff_view_audit"),
        ("accounts", "0005_staff_looks"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="StaffView"),
    ]
