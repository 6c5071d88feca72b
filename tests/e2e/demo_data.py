"""`seed_demo` once per test session, then a copy of its result for each browser test.

The live server needs a transactional database, which is emptied after every test, so each
test used to run `seed_demo` again (about ten seconds). The first test still runs it; the
rows it leaves, its files and the mail it sent are kept, and the next test whose database is
in the same state as before that run (as a flush leaves it) gets them back in a fraction of a
second: the same rows with the same ids, the same files, the same mail in the outbox. A test
whose database is in any other state, or a test on another day (the demo's dates count from
the day it is seeded), runs `seed_demo` itself and its result becomes the copy. (A test that
changes what `seed_demo` makes, through settings say, should run it itself.)

PostgreSQL copies the tables with COPY; other databases with plain INSERTs.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from kosmo import tenancy

FILE_SYSTEM_STORAGE = "django.core.files.storage.FileSystemStorage"


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at its smallest cost, for the browser tests' accounts: signing in checks the
    password the same way, in a millisecond instead of a third of a second per sign-in and per
    demo account. The production cost is pinned by tests/kosmo/test_settings.py and hashed
    for real by the tests outside tests/e2e."""

    time_cost = 1
    memory_cost = 64  # KiB: Argon2's minimum for one lane is 8
    parallelism = 1


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _row_counts(tables: list[str]) -> dict[str, int]:
    """The tables holding rows, with their counts (one query)."""
    quote = connection.ops.quote_name
    union = " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(union, tables)
        return {table: count for table, count in cursor.fetchall() if count}


def _media_roots() -> dict[str, Path] | None:
    """The folders the demo's files go to, or None when a storage is not a local folder."""
    default, private = settings.STORAGES["default"], settings.STORAGES["private"]
    if default["BACKEND"] != FILE_SYSTEM_STORAGE or "location" in default.get("OPTIONS", {}):
        return None
    if private["BACKEND"] != FILE_SYSTEM_STORAGE:
        return None
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(private["OPTIONS"]["location"])}


@dataclass
class DemoCopy:
    day: dt.date  # the day it was seeded on (Asia/Tokyo)
    rows_before: dict[str, int]  # the state it was seeded from
    tables: dict[str, object] = field(default_factory=dict)  # COPY text, or a list of rows
    files: dict[str, Path] = field(default_factory=dict)
    outbox: list = field(default_factory=list)

    @classmethod
    def take(cls, day, rows_before, tables, keep: Path, outbox) -> DemoCopy:
        taken = cls(day=day, rows_before=rows_before, outbox=copy.deepcopy(outbox))
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in _row_counts(tables):
                if connection.vendor == "postgresql":
                    with cursor.copy(f"COPY {quote(table)} TO STDOUT") as out:
                        taken.tables[table] = b"".join(bytes(block) for block in out)
                else:
                    cursor.execute(f"SELECT * FROM {quote(table)}")
                    taken.tables[table] = cursor.fetchall()
        shutil.rmtree(keep, ignore_errors=True)
        for name, root in _media_roots().items():
            taken.files[name] = keep / name
            if root.exists():
                shutil.copytree(root, keep / name)
        return taken

    def restore(self) -> None:
        quote = connection.ops.quote_name
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in self.tables
        ]
        # The foreign keys are checked at the commit, when every row is back.
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.rows_before:  # what a flush leaves: content types, permissions …
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table, rows in self.tables.items():
                if connection.vendor == "postgresql":
                    with cursor.copy(f"COPY {quote(table)} FROM STDIN") as into:
                        into.write(rows)
                else:
                    marks = ", ".join(["%s"] * len(rows[0]))
                    cursor.executemany(f"INSERT INTO {quote(table)} VALUES ({marks})", rows)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        ContentType.objects.clear_cache()  # the ids are the copy's
        tenancy.forget_unions()  # as saving a union does
        for name, root in _media_roots().items():
            if self.files[name].exists():
                shutil.copytree(self.files[name], root, dirs_exist_ok=True)
        mail.outbox.extend(copy.deepcopy(self.outbox))


class DemoSeeder:
    """Held for the session: seeds the demo or puts the kept copy back."""

    def __init__(self, keep: Path) -> None:
        self.keep = keep
        self.kept: DemoCopy | None = None
        self.seeded = self.restored = 0

    def __call__(self) -> None:
        tables = _tables()
        rows_before = _row_counts(tables)
        day = timezone.localdate()
        kept = self.kept
        if kept and kept.day == day and kept.rows_before == rows_before and _media_roots():
            kept.restore()
            self.restored += 1
            return
        outbox_before = len(mail.outbox)
        call_command("seed_demo", stdout=io.StringIO())
        self.seeded += 1
        if _media_roots() and timezone.localdate() == day:
            self.kept = DemoCopy.take(
                day, rows_before, tables, self.keep, mail.outbox[outbox_before:]
            )
