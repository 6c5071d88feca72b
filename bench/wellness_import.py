"""The step import (日々の記録) on a generated Apple Health export of 300 MB.

    .venv/bin/python bench/wellness_import.py                  # 300 MB export.xml
    .venv/bin/python bench/wellness_import.py --size-mb 300 --zip
    make bench BENCH_ARGS="--suite wellness"                   # the same, from bench/run.py

Generates (once per size, kept in the temporary folder) an `export.xml` shaped like the
iPhone's: the DOCTYPE with its internal DTD, `ExportDate`, `Me`, then about six years of
`Record`s — steps from an iPhone and an Apple Watch (about 45%), heart rate, active energy,
distance, a daily weight, one record in ten with a `MetadataEntry` child — and workouts at the
end. With `--zip` it is packed as `apple_health_export/export.xml` in `export.zip`.

The import runs in a child process exactly as the Celery task does (`imports.run(job_id)`) on
its own SQLite database in the temporary folder (migrated first, by another process, so
migrating costs the child nothing). The child reports the import's wall time, records read
per second, MB/s and its peak RSS (getrusage's ru_maxrss: the whole process, Django
included). A second child does all of it but the import, for the floor. Goal (issue 21):
peak RSS < 150 MB for 300 MB. Figures go to bench/results/wellness_import.json
(`_zip.json` with --zip).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RSS_MB = 150
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate value CDATA #REQUIRED>
<!ELEMENT Me EMPTY>
<!ATTLIST Me HKCharacteristicTypeIdentifierDateOfBirth CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED
  sourceName CDATA #REQUIRED sourceVersion CDATA #IMPLIED device CDATA #IMPLIED
  creationDate CDATA #IMPLIED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry key CDATA #REQUIRED value CDATA #REQUIRED>
]>
<HealthData locale="ja_JP">
 <ExportDate value="2026-12-01 21:00:00 +0900"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1979-08-22"/>
"""
DEVICE = (
    "&lt;&lt;HKDevice: 0x283c4a0d0&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, "
    "hardware:iPhone14,5, software:17.5.1&gt;"
)
METADATA_END = (
    '>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n'
)
KINDS = [
    ("HKQuantityTypeIdentifierStepCount", "count", 45),
    ("HKQuantityTypeIdentifierHeartRate", "count/min", 30),
    ("HKQuantityTypeIdentifierActiveEnergyBurned", "kcal", 15),
    ("HKQuantityTypeIdentifierDistanceWalkingRunning", "km", 10),
]


def generate(path: Path, size_mb: int) -> dict:
    """Write an export of about `size_mb` MB; returns what it holds."""
    rng = random.Random(2026)  # noqa: S311 — benchmark data, the same every time
    target = size_mb * 1024 * 1024
    kinds = [kind for kind, unit, weight in KINDS for _ in range(weight)]
    units = {kind: unit for kind, unit, _ in KINDS}
    records = steps = 0
    day_index = 0
    start = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        written = len(HEADER)
        first = dt.date(2020, 12, 1)
        while written < target:
            day = first + dt.timedelta(days=day_index % 2190)  # six years, then again
            day_index += 1
            lines = []
            stamp = f"{day:%Y-%m-%d}"
            lines.append(
                f' <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="ヘルスケア" '
                f'unit="kg" creationDate="{stamp} 07:01:00 +0900" startDate="{stamp} 07:00:00 '
                f'+0900" endDate="{stamp} 07:00:00 +0900" value="{70 + rng.random():.1f}"/>\n'
            )
            for minute in range(0, 24 * 60, 3):
                kind = kinds[rng.randrange(100)]
                source = "Apple Watch" if minute % 2 else "iPhone"
                value = rng.randint(5, 120) if kind.endswith("StepCount") else rng.randint(55, 130)
                h, m = divmod(minute, 60)
                at = f"{stamp} {h:02d}:{m:02d}:00 +0900"
                end = METADATA_END if minute % 30 == 0 else "/>\n"
                lines.append(
                    f' <Record type="{kind}" sourceName="{source}" sourceVersion="17.5.1" '
                    f'device="{DEVICE}" unit="{units[kind]}" creationDate="{at}" '
                    f'startDate="{at}" endDate="{at}" value="{value}"{end}'
                )
                records += 1
                steps += kind.endswith("StepCount")
            records += 1
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk.encode())
        tail = (
            ' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" '
            'durationUnit="min" sourceName="Apple Watch" startDate="2026-11-30 08:00:00 +0900" '
            'endDate="2026-11-30 08:30:00 +0900"/>\n'
        ) * 2000 + "</HealthData>\n"
        out.write(tail)
    return {
        "bytes": path.stat().st_size,
        "records": records,
        "step_records": steps,
        "days": min(day_index, 2190),
        "generated_s": round(time.perf_counter() - start, 1),
    }


def child(database_url: str, path: str, do_import: bool) -> None:
    """In the measured process: set Django up, make the job, run the import, print JSON."""
    import resource

    os.environ.update(DATABASE_URL=database_url, DEBUG="false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kosmo.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.storage import storages

    from kosmo.models import Household, Person, Union
    from wellness.records import imports
    from wellness.records.models import DailyRecord, Source, StepImport

    union, _ = Union.objects.get_or_create(
        slug="bench", defaults={"insurer_number": "09999999", "name": "ベンチ", "tier": "rich"}
    )
    household, _ = Household.objects.get_or_create(union=union, symbol="1", number="1")
    person, _ = Person.objects.get_or_create(
        household=household,
        branch="00",
        defaults={
            "role": "insured",
            "relationship": "self",
            "family_name": "歩",
            "given_name": "太郎",
            "family_name_kana": "アユミ",
            "given_name_kana": "タロウ",
            "sex": "1",
            "birth_date": "1979-08-22",
            "qualified_on": "2000-04-01",
        },
    )
    DailyRecord.objects.filter(person=person).delete()
    storage = storages["private"]
    name = Path(path).name
    source_kind, total, stored = Source.APPLE, 0, ""
    if do_import:  # as imports.start does: the content checked, then stored
        with open(path, "rb") as source:
            source_kind, total = imports.detect(source)
            source.seek(0)
            stored = storage.save(f"bench/{name}", source)
    job = StepImport.objects.create(
        person=person, file_name=name, stored_name=stored, source=source_kind, bytes_total=total
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    if do_import:
        imports.run(job.pk)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    job.refresh_from_db()
    print(
        json.dumps(
            {
                "state": job.state,
                "error": job.error,
                "rows": job.rows_read,
                "days": job.days_saved,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "bytes": total,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_child(database_url: str, path: Path, do_import: bool, private: Path) -> dict:
    env = {**os.environ, "PRIVATE_MEDIA_ROOT": str(private), "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)  # tasks in-process; the child measures the import itself
    flag = "--import" if do_import else "--no-import"
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(path), flag],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--zip", action="store_true", help="import export.zip instead")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--import", dest="do_import", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-import", dest="do_import", action="store_false")
    args = parser.parse_args(argv)
    if args.child:
        child(os.environ["DATABASE_URL"], args.child, args.do_import)
        return 0

    work = Path(tempfile.gettempdir()) / "kosmo-bench-wellness"
    work.mkdir(exist_ok=True)
    xml = work / f"export-{args.size_mb}mb.xml"
    meta_path = xml.with_suffix(".json")
    if not xml.exists() or not meta_path.exists():
        print(f"generating {xml} ({args.size_mb} MB) …", flush=True)
        meta_path.write_text(json.dumps(generate(xml, args.size_mb)))
    meta = json.loads(meta_path.read_text())
    target = xml
    if args.zip:
        target = work / f"export-{args.size_mb}mb.zip"
        if not target.exists():
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(xml, "apple_health_export/export.xml")
    database = work / "bench.sqlite3"
    database_url = f"sqlite:///{database}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        check=True,
    )
    private = work / "private"
    floor = run_child(database_url, target, False, private)
    result = run_child(database_url, target, True, private)
    megabytes = meta["bytes"] / 1024 / 1024
    rows_per_s = result["rows"] / result["seconds"]
    met = result["peak_rss_mb"] < GOAL_RSS_MB and result["state"] == "ready"
    print(
        f"step import ({'export.zip' if args.zip else 'export.xml'}, {megabytes:.0f} MB of XML, "
        f"{meta['records']:,} records, {meta['step_records']:,} of steps, {meta['days']} days)\n"
        f"  state {result['state']} {result['error']}\n"
        f"  imported {result['days']} days in {result['seconds']:.1f} s: "
        f"{rows_per_s:,.0f} rows/s, {megabytes / result['seconds']:.1f} MB/s "
        f"(CPU {result['cpu_seconds']:.1f} s: {result['rows'] / result['cpu_seconds']:,.0f} "
        f"rows per CPU second; the wall clock depends on the machine's other work)\n"
        f"  peak RSS {result['peak_rss_mb']:.0f} MB (the same process without the import: "
        f"{floor['peak_rss_mb']:.0f} MB); goal < {GOAL_RSS_MB} MB: {'met' if met else 'MISSED'}"
    )
    output = ROOT / "bench" / "results" / f"wellness_import{'_zip' if args.zip else ''}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "file": meta | {"zip": args.zip},
                "import": result,
                "floor_peak_rss_mb": floor["peak_rss_mb"],
                "rows_per_s": rows_per_s,
                "goal_peak_rss_mb": GOAL_RSS_MB,
                "met": met,
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if result["state"] == "ready" else 1


if __name__ == "__main__":
    sys.exit(main())
