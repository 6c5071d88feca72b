"""The browser tests' copy of the demo (tests/e2e/demo_data.py) is what `seed_demo` leaves:
every row with its id, every file and every mail in the outbox."""

import shutil
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from kosmo.models import Union
from tests import factories
from tests.e2e.demo_data import DemoSeeder

pytestmark = pytest.mark.django_db(transaction=True)


def _contents(settings):
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(only_existing=True)):
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
            rows[table] = cursor.fetchall()
    files = {
        str(path.relative_to(root)): path.read_bytes()
        for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    outbox = [(m.subject, m.to, m.body) for m in mail.outbox]
    return rows, files, outbox


def _as_the_next_test_starts(settings):
    """Empty, as pytest-django leaves the database after a test, with fresh folders and
    outbox."""
    call_command("flush", interactive=False)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)
    mail.outbox.clear()


def test_the_restored_demo_is_the_seeded_one_and_another_state_is_seeded(settings, tmp_path):
    seeder = DemoSeeder(tmp_path / "copy")
    _as_the_next_test_starts(settings)
    seeder()
    assert (seeder.seeded, seeder.restored) == (1, 0)
    seeded_rows, seeded_files, seeded_outbox = _contents(settings)
    assert seeded_rows["kosmo_person"] and seeded_files and seeded_outbox

    _as_the_next_test_starts(settings)
    assert _contents(settings)[0]["kosmo_person"] == []
    seeder()

    assert (seeder.seeded, seeder.restored) == (1, 1)
    rows, files, outbox = _contents(settings)
    assert rows == seeded_rows
    assert files == seeded_files
    assert outbox == seeded_outbox

    # A row some other fixture made first: seed_demo runs (and keeps the row), no copy.
    _as_the_next_test_starts(settings)
    factories.UnionFactory(slug="other", name="よその健康保険組合")
    seeder()

    assert (seeder.seeded, seeder.restored) == (2, 1)
    assert Union.objects.filter(slug="other").exists()
