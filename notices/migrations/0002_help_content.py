"""The manual's ご利用案内 and login FAQ Q1–Q18 (§5-2) as the global help entries."""

from django.db import migrations

from notices.help_content import GUIDE, LOGIN_FAQ, LOGIN_FAQ_KEY, LOGIN_FAQ_TITLE


def load(apps, schema_editor):
    GuideSection = apps.get_model("notices", "GuideSection")
    FaqCategory = apps.get_model("notices", "FaqCategory")
    FaqQuestion = apps.get_model("notices", "FaqQuestion")
    for order, (key, title, body) in enumerate(GUIDE, start=1):
        GuideSection.objects.get_or_create(
            union=None, key=key, defaults={"title": title, "body": body, "order": order}
        )
    category, created = FaqCategory.objects.get_or_create(
        union=None, key=LOGIN_FAQ_KEY, defaults={"title": LOGIN_FAQ_TITLE, "order": 1}
    )
    if created:
        FaqQuestion.objects.bulk_create(
            FaqQuestion(category=category, question=question, answer=answer, order=order)
            for order, (question, answer) in enumerate(LOGIN_FAQ, start=1)
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
