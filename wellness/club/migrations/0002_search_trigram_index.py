"""Free-word search on PostgreSQL: pg_trgm and a trigram GIN index on UPPER(search_text), the
expression Django's icontains compares (``UPPER(col) LIKE UPPER('%…%')``), so a word of three
or more characters — Japanese included — is found through the index. SQLite has neither;
there the same icontains reads the table."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "club_article_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wellness_club_article "
            "USING gin ((UPPER(search_text)) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("wellness_club", "0001_articles_supporters_favourites_reads")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
