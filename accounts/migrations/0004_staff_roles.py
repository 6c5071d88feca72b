"""The union staff roles 組合スタッフ and 組合管理者 (accounts.roles), made here rather than by the
demo so that every deployment has them.

Django creates permissions after the last migration; the roles need them now, so they are
created first for the staff apps (Django's own create_permissions, idempotent)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.roles import STAFF_APPS, sync_roles


def make_roles(apps, schema_editor):
    for label in ["auth", *STAFF_APPS]:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    from accounts.roles import CLERK, UNION_ADMIN

    apps.get_model("auth", "Group").objects.filter(name__in=[CLERK, UNION_ADMIN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_mfa_event_kinds"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("kosmo", "0003_document_job"),
        ("mfa", "0001_passkey_device"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_email", "0006_add_timestamps"),
        ("notices", "0003_sent_broadcasts_are_kept"),
        ("eligibility", "0001_initial"),
        ("benefits", "0001_payments_and_types"),
        ("checkup", "0002_staff_view_audit"),
        ("dependents", "0001_initial"),
        ("medical", "0003_shared_monthly_line"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
