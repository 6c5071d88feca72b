"""The claims import on PostgreSQL, against a raw COPY of the same file in the same run.

    .venv/bin/python bench/import_claims.py                      # 100,000 and 1,000,000 rows
    .venv/bin/python bench/import_claims.py --rows 100000 --repeat 5

It uses its own database (`kosmo_bench_imports`, created and migrated if missing; set
BENCH_IMPORTS_DATABASE_URL for another PostgreSQL one), a union of 100,000 persons, and CSV
files generated in a temporary folder: two claim lines per person and month, persons first.

For each size it measures, `--repeat` times each (median and fastest are printed):

- `raw COPY`: the file's bytes streamed by COPY … (FORMAT csv) into a plain table of the same
  columns, no index, no constraint: the floor for loading these bytes into PostgreSQL;
- `import (new months)`: `import_claims` into an empty claims table;
- `import (replace)`: the same file again (`force=True`): every (person, month) is deleted
  and inserted again;
- `COPY into medical_claim`: the rows the import produced (ids resolved, batch_id NULL)
  COPYed straight into the empty claims table, with its indexes, checks and foreign keys
  (checked at commit): the floor for this schema, whatever the import does before;

then the phases of the last import, and the two ways to find the persons: the dict the import
builds (one query, then one lookup per row) against a join of the file's 記号・番号・枝番 to
kosmo_household/kosmo_person in SQL.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kosmo_bench_imports"
PERSONS = 100_000
HEADER = [
    "記号", "番号", "枝番", "診療年月", "医療機関コード", "医療機関名", "診療区分", "日数",
    "医療費総額", "保険者負担額", "公費負担額", "自己負担額", "備考",
]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_IMPORTS_DATABASE_URL", DEFAULT_URL)
    create_database(url)
    os.environ.update(DATABASE_URL=url, DEBUG="false", DJANGO_SETTINGS_MODULE="kosmo.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    union = prepare_union()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        for rows in args.rows:
            path = Path(folder) / f"claims-{rows}.csv"
            write_claims(path, rows, union)
            size = path.stat().st_size / 1e6
            print(f"\n== {rows:,} claim rows ({size:.1f} MB, UTF-8) ==")
            measure(path, union, args.repeat)
            path.unlink()


def create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_union():
    import datetime as dt

    from kosmo.models import Household, Person, Union

    union, _ = Union.objects.get_or_create(
        slug="bench-imports", defaults={"insurer_number": "06999999", "name": "ベンチ健保"}
    )
    if Person.objects.filter(household__union=union).count() < PERSONS:
        print(f"Creating {PERSONS:,} persons…", flush=True)
        households = Household.objects.bulk_create(
            [
                Household(union=union, symbol=f"{n // 10_000 + 1:04d}", number=f"{n:06d}")
                for n in range(PERSONS // 2)
            ],
            batch_size=5_000,
            ignore_conflicts=True,
        )
        households = list(Household.objects.filter(union=union).order_by("pk"))
        person = {
            "family_name": "山田",
            "given_name": "太郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "タロウ",
            "sex": "1",
            "birth_date": dt.date(1980, 1, 1),
            "qualified_on": dt.date(2015, 4, 1),
        }
        Person.objects.bulk_create(
            [
                Person(household=h, role="insured", relationship="self", branch="00", **person)
                for h in households
            ]
            + [
                Person(household=h, role="dependent", relationship="spouse", branch="01", **person)
                for h in households
            ],
            batch_size=5_000,
            ignore_conflicts=True,
        )
    return union


def write_claims(path: Path, rows: int, union) -> None:
    from kosmo.models import Person

    keys = list(
        Person.objects.filter(household__union=union)
        .order_by("household__symbol", "household__number", "branch")
        .values_list("household__symbol", "household__number", "branch")
    )
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            symbol, number, branch = keys[(i // 2) % len(keys)]
            month = (i // (2 * len(keys))) % 12 + 1
            line = i % 2
            total = 3_000 + (i % 97) * 100
            writer.writerow(
                [symbol, number, branch, f"2024{month:02d}", f"13{line:08d}",
                 f"新宿{'クリニック' if line else '薬局'}", "入院外" if line else "調剤",
                 1 + i % 3, total, total * 7 // 10, 0, total - total * 7 // 10, ""]
            )  # fmt: skip


@contextmanager
def timer(into: list[float]):
    start = time.perf_counter()
    yield
    into.append(time.perf_counter() - start)


def raw_copy(path: Path) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_plain_claims (symbol text, number text, branch"
            " text, month text, provider_code text, provider_name text, care_type text, days"
            " smallint, total_cost integer, insurer_paid integer, public_paid integer,"
            " patient_paid integer, note text)"
        )
        cursor.execute("TRUNCATE bench_plain_claims")
        with (
            cursor.copy(
                "COPY bench_plain_claims FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
            open(path, "rb") as data,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)


def truncate_claims() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE medical_claim")
        cursor.execute("DELETE FROM medical_importbatch")
        cursor.execute("VACUUM ANALYZE medical_claim")


def phase_timers():
    """Wrap the import's phases to time them (the last call of each is kept)."""
    from medical import imports

    phases: dict[str, float] = {}

    def wrap(owner, name, label):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] = time.perf_counter() - start

        setattr(owner, name, timed)

    wrap(imports, "detect_encoding", "read + SHA-256 + encoding check")
    wrap(imports._Staging, "load", "parse, check, COPY into staging")
    wrap(imports._Staging, "remove_duplicates", "duplicate keys (window query)")
    wrap(imports._Staging, "delete_replaced", "delete replaced (person, month)")
    wrap(imports._Staging, "insert", "INSERT … SELECT into medical_claim")
    return phases


@contextmanager
def peak_rss(into: list[float]):
    """The peak resident memory of this process (MB) while the block runs, sampled every 20 ms."""
    done = threading.Event()
    peak = [0.0]

    def sample():
        while not done.is_set():
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            done.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        into.append(peak[0])


def copy_into_claims(rows: bytes) -> None:
    from django.db import connection, transaction

    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY medical_claim ({CLAIM_COLUMNS}) FROM STDIN") as copy,
    ):
        copy.write(rows)


CLAIM_COLUMNS = (
    "household_id, person_id, service_month, provider_code, provider_name, care_type, days,"
    " total_cost, insurer_paid, public_paid, patient_paid, note, batch_id"
)


def imported_rows() -> bytes:
    from django.db import connection

    data = io.BytesIO()
    columns = CLAIM_COLUMNS.replace("batch_id", "NULL")
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY (SELECT {columns} FROM medical_claim) TO STDOUT") as copy,  # noqa: S608
    ):
        for chunk in copy:
            data.write(chunk)
    return data.getvalue()


def measure(path: Path, union, repeat: int) -> None:
    from medical.imports import import_claims

    phases = phase_timers()
    times: dict[str, list[float]] = {
        "raw COPY (plain table)": [],
        "import (new months)": [],
        "import (replace)": [],
        "COPY into medical_claim": [],
    }
    memory: list[float] = []
    for _ in range(repeat):
        with timer(times["raw COPY (plain table)"]):
            raw_copy(path)
        truncate_claims()
        with timer(times["import (new months)"]), peak_rss(memory):
            result = import_claims(union=union, source=path, force=True)
        assert result.rows_imported == result.rows_total, result.rejections[:3]
        with timer(times["import (replace)"]), peak_rss(memory):
            result = import_claims(union=union, source=path, force=True)
        assert result.rows_replaced == result.rows_total
        rows = imported_rows()
        truncate_claims()
        with timer(times["COPY into medical_claim"]):
            copy_into_claims(rows)
        del rows
    floor = statistics.median(times["raw COPY (plain table)"])
    count = result.rows_total
    print(f"{'':26} {'median s':>9} {'fastest s':>9} {'rows/s':>10} {'× raw COPY':>10}")
    for label, values in times.items():
        median = statistics.median(values)
        print(
            f"{label:26} {median:9.2f} {min(values):9.2f} {count / median:10,.0f}"
            f" {median / floor:10.1f}"
        )
    print("phases of the last import (replace):")
    for label, seconds in phases.items():
        print(f"  {label:36} {seconds:6.2f} s")
    rest = times["import (replace)"][-1] - sum(phases.values())
    print(
        f"  {'the rest: persons, batch row, COMMIT':36} {rest:6.2f} s"
        "  (the foreign keys are checked at COMMIT)"
    )
    print(f"peak RSS during the imports: {max(memory):,.0f} MB")
    compare_person_lookup(union, path)


def compare_person_lookup(union, path: Path) -> None:
    """The dict (one query + a lookup per row) against a join in SQL, on the same keys."""
    from django.db import connection, transaction

    from kosmo.imports import person_lookup

    with open(path, encoding="utf-8", newline="") as data:
        reader = csv.reader(data)
        next(reader)
        keys = [(row[0], row[1], row[2]) for row in reader]
    start = time.perf_counter()
    lookup = person_lookup(union)
    built = time.perf_counter() - start
    start = time.perf_counter()
    errors: list[str] = []
    for key in keys:
        lookup(*key, errors)
    looked_up = time.perf_counter() - start
    assert not errors

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_keys (line_no integer, symbol text, number text, branch text)"
            " ON COMMIT DROP"
        )
        with cursor.copy("COPY bench_keys FROM STDIN") as copy:
            for line, key in enumerate(keys, start=2):
                copy.write_row((line, *key))
        cursor.execute("ANALYZE bench_keys")
        start = time.perf_counter()
        cursor.execute(
            "CREATE TEMP TABLE bench_resolved ON COMMIT DROP AS"
            " SELECT k.line_no, p.id AS person_id, h.id AS household_id FROM bench_keys k"
            " JOIN kosmo_household h ON h.union_id = %s AND h.symbol = k.symbol"
            " AND h.number = k.number JOIN kosmo_person p ON p.household_id = h.id"
            " AND p.branch = k.branch",
            [union.pk],
        )
        joined = time.perf_counter() - start
        assert cursor.rowcount == len(keys)
    print(
        f"persons: dict {built + looked_up:.2f} s (query + build {built:.2f} s, "
        f"{len(keys):,} lookups {looked_up:.2f} s); SQL join {joined:.2f} s "
        "(plus COPYing 記号・番号・枝番 instead of two ids)"
    )


if __name__ == "__main__":
    main()
