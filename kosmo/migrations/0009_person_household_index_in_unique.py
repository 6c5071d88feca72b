"""Person.household loses its own index: the unique (household, branch) index leads with it.

Django's AlterField to db_index=False drops every index on household_id alone, which would
take the partial unique index household_single_insured (one insured person per household)
with it; so the database drops only the old index, by its name, and the state is altered."""

import django.db.models.deletion
from django.db import migrations, models

OLD_INDEX = "kosmo_person_household_id_3d15d5d6"


class Migration(migrations.Migration):
    dependencies = [
        ("kosmo", "0008_household_union_index_in_unique"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="household",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="persons",
                        to="kosmo.household",
                        verbose_name="世帯",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {OLD_INDEX}",
                    reverse_sql=f"CREATE INDEX {OLD_INDEX} ON kosmo_person (household_id)",
                ),
            ],
        ),
    ]
