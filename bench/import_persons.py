"""The roster import (加入者台帳, `import_persons`) on PostgreSQL against raw COPYs, in one run.

    .venv/bin/python bench/import_persons.py                    # 100,000 persons
    .venv/bin/python bench/import_persons.py --rows 1000000 --repeat 1
    .venv/bin/python bench/import_persons.py --rows 20000 --json # last line: JSON (bench/run.py)

It uses its own database (`kosmo_bench_roster`, created and migrated if missing; set
BENCH_ROSTER_DATABASE_URL for another PostgreSQL one) and CSV files generated in a temporary
folder: households of an insured person and a spouse, in 記号・番号 order. For each size it
measures, `--repeat` times each (median and fastest are printed):

- `raw COPY (plain table)`: the file's bytes streamed by COPY … (FORMAT csv) into a plain table
  of text columns, no index, no constraint: the floor for loading these bytes;
- `COPY into kosmo_person`: the persons the import made (ids resolved) COPYed straight into
  the empty kosmo_person, with its indexes, checks and foreign keys: the floor for this schema;
- `COPY into kosmo_household + kosmo_person`: its households and persons COPYed into both
  empty tables in one transaction: the floor for the rows the import writes;
- `first load`: `import_persons` into a union without persons (households and persons made);
- `first load, file out of order`: the same rows in reverse order, which the import reads
  through its staging table (a file in 記号・番号 order goes straight into the tables);
- `full roster again`: the same file (`force=True`): every row compared, nothing changes;
- `full roster, 1 % changed`: the roster with 1 % of the persons' addresses changed (`--full`);
- `1 % 異動 file`: only those changed rows (the monthly file), on the same database state.

The first load's rows/s is reported as a ratio to the three COPYs. The goal (issue 19: ≥ 0.5×)
is measured against the COPY into kosmo_person, as import_claims is against its rows COPYed
into medical_claim: the same persons into the same table, with its indexes, checks and foreign
keys (checked at COMMIT, as the import's are); the import also creates the households, which
that COPY does not (the COPY into both tables does). The raw COPY into a text table is the
floor for the bytes only: a COPY of the finished persons into kosmo_person already takes about
six times as long.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kosmo_bench_roster"
SLUG = "bench-roster"

HEADER = [
    "記号", "番号", "枝番", "区分", "続柄", "氏名", "カナ氏名", "生年月日", "性別",
    "資格取得日", "資格喪失日", "郵便番号", "住所",
]  # fmt: skip
HOUSEHOLD_COLUMNS = "id, union_id, symbol, number"
PERSON_COLUMNS = (
    "household_id, branch, role, relationship, family_name, given_name, family_name_kana,"
    " given_name_kana, sex, birth_date, qualified_on, disqualified_on, postal_code, address,"
    " email"
)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON last")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_ROSTER_DATABASE_URL", DEFAULT_URL)
    create_database(url)
    os.environ.update(DATABASE_URL=url, DEBUG="false", DJANGO_SETTINGS_MODULE="kosmo.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-roster-") as folder:
        for rows in args.rows:
            figures.append(measure(Path(folder), rows, args.repeat))
    for figure in figures:
        for line in lines(figure):
            print(line, file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(figures[-1]))


def create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def insurer_number() -> str:
    from kosmo.insurer_numbers import check_digit

    return f"0699999{check_digit('0699999')}"


def write_roster(path: Path, rows: int, *, changed_every: int = 0, only_changed=False) -> int:
    """A roster of `rows` persons; every `changed_every`-th person has a new address."""
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            household, branch = divmod(i, 2)
            changed = changed_every and i % changed_every == 0
            if only_changed and not changed:
                continue
            symbol, number = f"{household // 10_000 + 1:04d}", f"{household:07d}"
            address = f"東京都新宿区西新宿{household % 9 + 1}-{household % 97 + 1}-1"
            if changed:
                address = f"東京都中野区中野{household % 9 + 1}-1-1"
            writer.writerow(
                [symbol, number, f"{branch:02d}", "被保険者" if branch == 0 else "被扶養者",
                 "本人" if branch == 0 else "妻", "山田 太郎" if branch == 0 else "山田 花子",
                 "ヤマダ タロウ" if branch == 0 else "ヤマダ ハナコ",
                 f"{1950 + household % 50}-{household % 12 + 1:02d}-{household % 28 + 1:02d}",
                 "男" if branch == 0 else "女", "2015-04-01", "", "160-0023", address]
            )  # fmt: skip
            written += 1
    return written


def reset_union():
    """The bench union without persons (and nothing else in the database refers to them)."""
    from django.db import connection

    from kosmo.models import Union

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE kosmo_personchange, kosmo_rosterimport, kosmo_person, kosmo_household CASCADE"
        )
    union, _ = Union.objects.update_or_create(
        slug=SLUG, defaults={"insurer_number": insurer_number(), "name": "ベンチ健保（名簿）"}
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE kosmo_person")
        cursor.execute("VACUUM ANALYZE kosmo_household")
    return union


def raw_copy(path: Path) -> None:
    from django.db import connection, transaction

    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_plain_roster ({columns})")
        cursor.execute("TRUNCATE bench_plain_roster")
        with (
            cursor.copy(
                "COPY bench_plain_roster FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
            open(path, "rb") as data,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)


def copied_out(table: str, columns: str) -> bytes:
    """`columns` of every row of `table`, as COPY's text."""
    from django.db import connection

    data = io.BytesIO()
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY (SELECT {columns} FROM {table}) TO STDOUT") as copy,  # noqa: S608
    ):
        for chunk in copy:
            data.write(chunk)
    return data.getvalue()


def copy_into_person(rows: bytes, households: bytes | None = None) -> None:
    """COPY `rows` into kosmo_person in one transaction (after `households` into
    kosmo_household, with their ids, if given); the foreign keys are checked at COMMIT."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if households is not None:
            with cursor.copy(f"COPY kosmo_household ({HOUSEHOLD_COLUMNS}) FROM STDIN") as copy:
                copy.write(households)
        with cursor.copy(f"COPY kosmo_person ({PERSON_COLUMNS}) FROM STDIN") as copy:
            copy.write(rows)


def timed(into: list[float], function, **kwargs):
    start = time.perf_counter()
    result = function(**kwargs)
    into.append(time.perf_counter() - start)
    return result


def measure(folder: Path, rows: int, repeat: int) -> dict:
    from django.db import connection

    from kosmo.roster import import_persons

    full_path = folder / f"roster-{rows}.csv"
    changed_path = folder / f"roster-{rows}-changed.csv"
    monthly_path = folder / f"roster-{rows}-monthly.csv"
    write_roster(full_path, rows)
    write_roster(changed_path, rows, changed_every=100)
    changed_rows = write_roster(monthly_path, rows, changed_every=100, only_changed=True)
    # The same rows, households last first: out of 記号・番号 order from its second household.
    unordered_path = folder / f"roster-{rows}-unordered.csv"
    header, *lines = full_path.read_bytes().splitlines(keepends=True)
    unordered_path.write_bytes(header + b"".join(reversed(lines)))
    del lines
    size = full_path.stat().st_size / 1e6
    say(f"== {rows:,} persons ({size:.1f} MB, UTF-8); 1 % = {changed_rows:,} changed ==")
    times: dict[str, list[float]] = {
        "raw COPY (plain table)": [],
        "COPY into kosmo_person": [],
        "COPY into kosmo_household + kosmo_person": [],
        "first load": [],
        "first load, file out of order": [],
        "full roster again": [],
        "full roster, 1 % changed": [],
        "1 % 異動 file": [],
    }
    for round_no in range(repeat):
        say(f"round {round_no + 1}/{repeat}")
        timed(times["raw COPY (plain table)"], raw_copy, path=full_path)
        union = reset_union()
        unordered = timed(
            times["first load, file out of order"],
            import_persons,
            union=union,
            source=unordered_path,
            force=True,
        )
        assert unordered.created == rows and not unordered.rejections
        union = reset_union()
        first = timed(
            times["first load"], import_persons, union=union, source=full_path, force=True
        )
        assert first.created == rows and not first.rejections, first.rejections[:3]
        again = timed(
            times["full roster again"],
            import_persons,
            union=union,
            source=full_path,
            force=True,
            full=True,
        )
        assert again.unchanged == rows, (again.updated, again.created)
        changed = timed(
            times["full roster, 1 % changed"],
            import_persons,
            union=union,
            source=changed_path,
            force=True,
            full=True,
        )
        assert changed.updated == changed_rows, changed.updated
        # The monthly file on the state before the change: the same rows change.
        import_persons(union=union, source=full_path, force=True)
        monthly = timed(
            times["1 % 異動 file"],
            import_persons,
            union=union,
            source=monthly_path,
            force=True,
        )
        assert monthly.updated == changed_rows, monthly.updated
        persons = copied_out("kosmo_person", PERSON_COLUMNS)
        households = copied_out("kosmo_household", HOUSEHOLD_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE kosmo_personchange, kosmo_person CASCADE")
            cursor.execute("VACUUM ANALYZE kosmo_person")
        timed(times["COPY into kosmo_person"], copy_into_person, rows=persons)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE kosmo_personchange, kosmo_person, kosmo_household CASCADE")
            cursor.execute("VACUUM ANALYZE kosmo_person")
            cursor.execute("VACUUM ANALYZE kosmo_household")
        timed(
            times["COPY into kosmo_household + kosmo_person"],
            copy_into_person,
            rows=persons,
            households=households,
        )
        del persons, households
    medians = {label: statistics.median(values) for label, values in times.items()}
    return {
        "rows": rows,
        "file_mb": round(size, 1),
        "changed_rows": changed_rows,
        "seconds": {label: round(value, 3) for label, value in medians.items()},
        "fastest": {label: round(min(values), 3) for label, values in times.items()},
        "rows_per_s": {label: round(rows / value) for label, value in medians.items()},
        "ratio_to_raw_copy": round(medians["raw COPY (plain table)"] / medians["first load"], 3),
        "ratio_to_copy_into_kosmo_person": round(
            medians["COPY into kosmo_person"] / medians["first load"], 3
        ),
        "ratio_to_copy_into_both_tables": round(
            medians["COPY into kosmo_household + kosmo_person"] / medians["first load"], 3
        ),
        "monthly_vs_full_changed": round(
            medians["1 % 異動 file"] / medians["full roster, 1 % changed"], 3
        ),
    }


def lines(figure: dict) -> list[str]:
    """The figures as text: one line per measurement, then the ratios."""
    out = [
        f"Roster import of {figure['rows']:,} persons ({figure['file_mb']} MB CSV; 1 % = "
        f"{figure['changed_rows']:,} changed):",
        f"  {'':40} {'median s':>9} {'fastest s':>9} {'rows/s':>10}",
    ]
    for label, seconds in figure["seconds"].items():
        rate = figure["rows_per_s"][label]
        if label == "1 % 異動 file":
            rate = round(figure["changed_rows"] / seconds)
        out.append(f"  {label:40} {seconds:9.2f} {figure['fastest'][label]:9.2f} {rate:10,}")
    goal = "met" if figure["ratio_to_copy_into_kosmo_person"] >= 0.5 else "missed"
    out.append(
        f"  first load (rows/s) = {figure['ratio_to_copy_into_kosmo_person']:.3f}x the COPY of "
        f"its persons into kosmo_person (issue 19's goal >= 0.5x: {goal}), "
        f"{figure['ratio_to_copy_into_both_tables']:.3f}x the COPY of its households and "
        f"persons into both tables, {figure['ratio_to_raw_copy']:.3f}x the raw COPY of the "
        f"file into a plain text table; the 1 % 異動 file takes "
        f"{figure['monthly_vs_full_changed']:.2f}x the time of the full roster with the same "
        "changes"
    )
    return out


if __name__ == "__main__":
    main()
