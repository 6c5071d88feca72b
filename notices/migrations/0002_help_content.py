"""The manual's ご利用案内 and login FAQ Q1–Q18 (§5-2) as the global help entries."""

from django.db import migrations

from notices import help_content
from notices.help_content import GUIDE, LOGIN_FAQ_KEY


def load(apps, schema_editor):
    help_content.load(
        apps.get_model("notices", "GuideSection"),
        apps.get_model("notices", "FaqCategory"),
        apps.get_model("notices", "FaqQuestion"),
    )


def unload(apps, schema_editor):
    apps.get_model("notices", "GuideSection").objects.filter(
        union=None, key__in=[key for key, _, _ in GUIDE]
    ).delete()
    apps.get_model("notices", "FaqCategory").objects.filter(
        union=None, key=LOGIN_FAQ_KEY
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
