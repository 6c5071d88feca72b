"""E-mail addresses are unique per union, not across the deployment (issue 16).

With ACCOUNT_UNIQUE_EMAIL = False allauth's model no longer declares its deployment-wide
unique index on verified addresses; databases created before still have it (allauth's
migration 0003 made it), so it goes here. Uniqueness within a union is checked by
accounts.forms.EmailForm and again when the link is opened (accounts.adapter).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_japanese_labels"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS unique_verified_email", reverse_sql=migrations.RunSQL.noop
        ),
    ]
