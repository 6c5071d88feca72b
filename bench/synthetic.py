"""The synthetic union of the medical benchmark, written straight into PostgreSQL with COPY.

    python bench/synthetic.py generate [--scale 1.0] [--regenerate]
    python bench/synthetic.py sessions [--members 2000] [--seed N] [--username yamada_taro]

Run by bench/run.py (through bench/medical_suite.py) in a child process with the portal's
environment (bench/server.py: ``DATABASE_URL``, ``SECRET_KEY``...); each command prints one
JSON object as the last line of its stdout and its progress on stderr.

``generate`` — at scale 1: 100,000 persons in households of 1–4, 1,000,000 claims over the 36
months that end three months before the month of generation (claims arrive late), 2,000,000
prescription lines on the 調剤 claims, and a drug master of 4,000 drugs, half of the
brand-name ones with a generic. Use of care is skewed: most persons have a few claims, a few
have one or more every month. Claims and lines are written in the order monthly imports would
write them (month by month), so a household's rows are spread over the table as in
production, not stored side by side. The union is ``bench`` (Host ``bench.localhost``, rich
contract, a self-signed e-Tax key). Everything is derived from a fixed seed, so the same
scale gives the same data.

The data is kept: ``generate`` does nothing when the union already holds the data of the same
generator version and sizes, unless ``--regenerate``, or unless it no longer covers the last
full calendar year (the e-Tax page's year) as far as data of the day could.

``sessions`` — server-side sessions (as after a password and second-factor login, with
「ログイン状態の保存」, the first-login journey done), so the load generator needs neither the login
form nor a one-time password: ``--members`` random insured members of the synthetic union, and
one per ``--username`` (e.g. the demo member of the top-page benchmark). They replace the
sessions of the previous run; they are valid for the server started with the same SECRET_KEY.
The members drawn get an account if they have none yet. Only they have one: `seed_demo`, which
every benchmark run calls, visits every member account of the database (mfa/demo.py), so
100,000 accounts would add a minute to each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

GENERATOR_VERSION = 2  # bump when the shape of the data changes: the next run regenerates
UNION_SLUG = "bench"
UNION_HOST = "bench.localhost"  # bench/server.py adds it to ALLOWED_HOSTS
SESSION_PREFIX = "benchsess"  # session keys made here start with it, so they can be replaced
DRUG_CODE_PREFIX = "ZZ"  # the synthetic drugs in the (national) drug master
META_TABLE = "bench_synthetic_union"
MONTHS = 36
ARRIVAL_LAG_MONTHS = 3  # claims of a month of care are imported about three months later
SEED = 20260401

PERSONS, CLAIMS, LINES, DRUGS = 100_000, 1_000_000, 2_000_000, 4_000


@dataclass(frozen=True)
class Spec:
    """What `generate` writes; two runs with equal specs write equal data."""

    version: int
    persons: int
    claims: int
    lines: int
    drugs: int
    seed: int

    @classmethod
    def at_scale(cls, scale: float) -> Spec:
        persons = max(100, round(PERSONS * scale))
        claims = max(persons, round(CLAIMS * scale))
        return cls(
            version=GENERATOR_VERSION,
            persons=persons,
            claims=claims,
            lines=max(claims // 2, round(LINES * scale)),
            drugs=DRUGS,
            seed=SEED,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write the synthetic union (unless it is there)")
    gen.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 persons")
    gen.add_argument("--regenerate", action="store_true", help="write it again in any case")
    ses = commands.add_parser("sessions", help="signed-in sessions for the load generator")
    ses.add_argument("--members", type=int, default=2000, help="random insured members")
    ses.add_argument("--seed", type=int, default=1, help="which members are drawn")
    ses.add_argument("--username", action="append", default=[], help="also this account")
    args = parser.parse_args(argv)

    setup_django()
    if args.command == "generate":
        result = generate(Spec.at_scale(args.scale), regenerate=args.regenerate)
    else:
        result = create_sessions(members=args.members, seed=args.seed, usernames=args.username)
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


def setup_django() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kosmo.settings")
    import django

    django.setup()


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- Months -------------------------------------------------------------------------------------


def tokyo_today() -> dt.date:
    from medical.etax import tokyo_now

    return tokyo_now().date()


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def newest_month(today: dt.date) -> dt.date:
    """The newest 診療年月 a union has data for on `today`."""
    return add_months(today.replace(day=1), -ARRIVAL_LAG_MONTHS)


def wanted_newest_month(today: dt.date) -> dt.date:
    """How far the data must reach to serve the last full year as well as data of the day can
    (in January–March December's claims have not arrived yet)."""
    return min(newest_month(today), dt.date(today.year - 1, 12, 1))


# --- The stored dataset -------------------------------------------------------------------------


def stored_dataset(union) -> dict | None:
    """The spec and months recorded by the last `generate`, if its rows are all there."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (union_id bigint PRIMARY KEY, info jsonb)"
        )
        cursor.execute(f"SELECT info FROM {META_TABLE} WHERE union_id = %s", [union.pk])  # noqa: S608
        row = cursor.fetchone()
        if row is None:
            return None
        info = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        counts = union_counts(cursor, union.pk)
    spec = info["spec"]
    if (counts["persons"], counts["claims"], counts["lines"]) != (
        spec["persons"],
        spec["claims"],
        spec["lines"],
    ):
        return None
    return info


def union_counts(cursor, union_id: int) -> dict[str, int]:
    households = "SELECT id FROM kosmo_household WHERE union_id = %s"
    counts = {}
    for name, table in (
        ("persons", "kosmo_person"),
        ("claims", "medical_claim"),
        ("lines", "medical_prescriptionline"),
    ):
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE household_id IN ({households})",  # noqa: S608
            [union_id],
        )
        counts[name] = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM kosmo_household WHERE union_id = %s", [union_id])
    counts["households"] = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM accounts_user WHERE union_id = %s", [union_id])
    counts["accounts"] = cursor.fetchone()[0]
    return counts


def ensure_union():
    from kosmo.models import Union
    from medical import etax

    union, _created = Union.objects.get_or_create(
        slug=UNION_SLUG,
        defaults={
            "insurer_number": "06999990",
            "name": "ベンチ健康保険組合",
            "tier": Union.ContractTier.RICH,
            "domain": UNION_HOST,
            "contact_phone": "03-0000-0000",
            "contact_hours": "平日 9:00〜17:00",
        },
    )
    etax.ensure_demo_credential(union)
    return union


def generate(spec: Spec, *, regenerate: bool) -> dict:
    """Write the synthetic union unless it is there already; what is there, as JSON data."""
    from django.db import connection, transaction

    union = ensure_union()
    today = tokyo_today()
    info = stored_dataset(union)
    reason = None
    if regenerate:
        reason = "--regenerate"
    elif info is None:
        reason = "no complete data"
    elif info["spec"] != asdict(spec):
        reason = f"other sizes or generator version ({info['spec']} before)"
    elif dt.date.fromisoformat(info["last_month"]) < wanted_newest_month(today):
        reason = f"the data ends {info['last_month'][:7]}, too early for the last full year"
    if reason is None:
        say(f"synthetic union reused ({spec.persons:,} persons, {spec.claims:,} claims, "
            f"{spec.lines:,} prescription lines)")  # fmt: skip
        return {**info, "union_host": union.domain, "generated": False}

    say(f"generating the synthetic union: {reason}")
    started = time.perf_counter()
    last = newest_month(today)
    months = [add_months(last, offset) for offset in range(-(MONTHS - 1), 1)]
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows written here refer only to rows written just before, so the foreign keys'
        # deferred checks (two or three per claim or line, run at COMMIT) are skipped for this
        # transaction when we may (superuser); checks, unique and NOT NULL constraints apply.
        writer = _Writer(cursor, union.pk, spec, months)
        writer.delete_previous()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        writer.write()
        info = {
            "spec": asdict(spec),
            "first_month": months[0].isoformat(),
            "last_month": months[-1].isoformat(),
            "generated_on": today.isoformat(),
            "generation_s": None,
            "counts": None,
        }
        cursor.execute(
            f"INSERT INTO {META_TABLE} (union_id, info) VALUES (%s, %s)"  # noqa: S608
            " ON CONFLICT (union_id) DO UPDATE SET info = EXCLUDED.info",
            [union.pk, json.dumps(info)],
        )
    written = time.perf_counter() - started
    say(f"written in {written:.0f}s; VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for table in _TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        info["counts"] = union_counts(cursor, union.pk)
        info["generation_s"] = round(time.perf_counter() - started, 1)
        cursor.execute(
            f"UPDATE {META_TABLE} SET info = %s WHERE union_id = %s",  # noqa: S608
            [json.dumps(info), union.pk],
        )
    say(f"synthetic union generated in {info['generation_s']:.0f}s: {info['counts']}")
    return {**info, "union_host": union.domain, "generated": True}


_TABLES = (
    "kosmo_household",
    "kosmo_person",
    "accounts_user",
    "medical_drug",
    "medical_claim",
    "medical_prescriptionline",
)

# --- Vocabulary ---------------------------------------------------------------------------------

FAMILY_NAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
    ("阿部", "アベ"), ("石川", "イシカワ"), ("前田", "マエダ"), ("藤田", "フジタ"),
    ("長谷川", "ハセガワ"), ("村上", "ムラカミ"), ("髙橋", "タカハシ"), ("𠮷田", "ヨシダ"),
    ("渡邉", "ワタナベ"), ("齋藤", "サイトウ"), ("勅使河原", "テシガワラ"),
]  # fmt: skip
MALE_NAMES = [
    ("太郎", "タロウ"), ("翔", "ショウ"), ("大輔", "ダイスケ"), ("健太", "ケンタ"),
    ("拓也", "タクヤ"), ("蓮", "レン"), ("悠真", "ユウマ"), ("湊", "ミナト"),
    ("誠", "マコト"), ("浩二", "コウジ"), ("陽翔", "ハルト"), ("一郎", "イチロウ"),
]  # fmt: skip
FEMALE_NAMES = [
    ("花子", "ハナコ"), ("陽菜", "ヒナ"), ("美咲", "ミサキ"), ("結衣", "ユイ"),
    ("さくら", "サクラ"), ("葵", "アオイ"), ("愛", "アイ"), ("由美子", "ユミコ"),
    ("恵子", "ケイコ"), ("凛", "リン"), ("芽依", "メイ"), ("真由美", "マユミ"),
]  # fmt: skip
PLACES = [
    "新宿", "渋谷", "池袋", "品川", "目黒", "世田谷", "中野", "杉並", "練馬", "板橋",
    "北千住", "錦糸町", "大井町", "蒲田", "吉祥寺", "三鷹", "立川", "八王子", "町田", "川崎",
    "横浜", "大宮", "浦和", "船橋", "千葉", "柏", "松戸", "所沢", "川口", "府中",
]  # fmt: skip
CLINIC_KINDS = ["内科", "クリニック", "内科クリニック", "小児科", "整形外科", "皮膚科",
                "耳鼻咽喉科", "眼科", "内科・循環器科", "メンタルクリニック"]  # fmt: skip
PHARMACY_KINDS = ["薬局", "調剤薬局", "中央薬局", "駅前薬局", "みどり薬局", "さくら薬局"]
DRUG_STEMS = [
    "アムロジ", "ロスバス", "メトホル", "ランソプ", "ファモチ", "ロキソプ", "セレコ",
    "モンテル", "フェキソ", "レバミピ", "カンデサ", "オルメサ", "アトルバ", "エソメプ",
    "ビソプロ", "テルミサ", "シタグリ", "ピタバス", "ブロチゾ", "ゾルピデ",
]  # fmt: skip
DRUG_FORMS = [("錠", "錠"), ("カプセル", "カプセル"), ("OD錠", "錠"), ("散", "g"),
              ("シロップ", "mL"), ("テープ", "枚")]  # fmt: skip
GENERIC_MAKERS = [
    "「サワイ」",
    "「トーワ」",
    "「日医工」",
    "「ニプロ」",
    "「明治」",
    "「ＤＳＥＰ」",
]
QUANTITIES = ["7", "14", "14", "21", "28", "28", "28", "30", "30", "42", "56", "60", "90", "10.5"]

INPATIENT, OUTPATIENT, DENTAL, PHARMACY, HOME_NURSING = (
    "inpatient",
    "outpatient",
    "dental",
    "pharmacy",
    "home_nursing",
)


@dataclass(frozen=True)
class Provider:
    code: str
    name: str


class _Writer:
    """Writes one synthetic union with COPY, in one transaction (the caller's)."""

    def __init__(self, cursor, union_id: int, spec: Spec, months: list[dt.date]) -> None:
        self.cursor = cursor
        self.union_id = union_id
        self.spec = spec
        self.months = months
        self.month_text = [month.isoformat() for month in months]
        self.rng = random.Random(spec.seed)
        self.year = months[-1].year  # ages are counted in the newest month's year

    # -- helpers

    def copy(self, table: str, columns: Iterable[str], rows: Iterable[tuple]) -> int:
        """COPY tab-separated `rows` (values already text; None for NULL) into `table`."""
        _check_columns(table, columns)
        count = 0
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.cursor.copy(statement) as copy:
            buffer: list[str] = []
            size = 0
            for row in rows:
                line = "\t".join("\\N" if value is None else str(value) for value in row) + "\n"
                buffer.append(line)
                size += len(line)
                count += 1
                if size >= 1 << 20:
                    copy.write("".join(buffer))
                    buffer.clear()
                    size = 0
            if buffer:
                copy.write("".join(buffer))
        return count

    def delete_previous(self) -> None:
        """Remove the union's previous data. Its accounts go through the ORM, so that what
        other apps attached to them (second factors...) goes with them."""
        from accounts.models import User

        User.objects.filter(union_id=self.union_id).delete()
        households = "SELECT id FROM kosmo_household WHERE union_id = %s"
        for table in ("medical_prescriptionline", "medical_claim"):
            self.cursor.execute(
                f"DELETE FROM {table} WHERE household_id IN ({households})",  # noqa: S608
                [self.union_id],
            )
        self.cursor.execute(
            "DELETE FROM django_session WHERE session_key LIKE %s", [f"{SESSION_PREFIX}%"]
        )
        self.cursor.execute(
            f"DELETE FROM kosmo_person WHERE household_id IN ({households})",  # noqa: S608
            [self.union_id],
        )
        self.cursor.execute("DELETE FROM kosmo_household WHERE union_id = %s", [self.union_id])
        self.cursor.execute("DELETE FROM medical_drug WHERE code LIKE %s", [f"{DRUG_CODE_PREFIX}%"])

    # -- the steps

    def write(self) -> None:
        drugs = self.write_drugs()
        persons = self.write_persons()
        providers = self.make_providers()
        claims, pharmacy = self.make_claims(persons, providers)
        lines = self.make_lines(pharmacy, drugs, claims)
        started = time.perf_counter()
        count = self.copy(
            "medical_claim",
            (
                "household_id",
                "person_id",
                "service_month",
                "provider_code",
                "provider_name",
                "care_type",
                "days",
                "total_cost",
                "insurer_paid",
                "public_paid",
                "patient_paid",
                "note",
            ),  # fmt: skip
            (row for bucket in claims for row in bucket),
        )
        say(f"  {count:,} claims COPYed ({time.perf_counter() - started:.0f}s)")
        started = time.perf_counter()
        count = self.copy(
            "medical_prescriptionline",
            (
                "household_id",
                "person_id",
                "service_month",
                "provider_code",
                "provider_name",
                "line_no",
                "drug_id",
                "unit_price",
                "quantity",
            ),  # fmt: skip
            (row for bucket in lines for row in bucket),
        )
        say(f"  {count:,} prescription lines COPYed ({time.perf_counter() - started:.0f}s)")

    def write_drugs(self) -> list[tuple[int, str, bool]]:
        """The drug master: (id, unit price, is generic); brands point at their generic."""
        rng = self.rng
        generics, brands = [], []
        for n in range(self.spec.drugs // 2):
            stem = DRUG_STEMS[n % len(DRUG_STEMS)]
            form, unit = DRUG_FORMS[(n // len(DRUG_STEMS)) % len(DRUG_FORMS)]
            strength = (n // (len(DRUG_STEMS) * len(DRUG_FORMS))) % 40 + 1
            price = round(rng.lognormvariate(3.6, 1.0), 1) + 5.0
            name = f"{stem}{'ン' if n % 3 else 'ル'}{form}{strength}mg"
            brands.append((f"{DRUG_CODE_PREFIX}1{n:09d}", name, unit, f"{price:.2f}"))
            # Generics cost 30–95 % of the brand: some save too little to be shown (「-」).
            ratio = rng.choice([0.3, 0.4, 0.5, 0.5, 0.6, 0.7, 0.95])
            generics.append(
                (
                    f"{DRUG_CODE_PREFIX}2{n:09d}",
                    f"{stem}{'ン' if n % 3 else 'ル'}{form}{strength}mg"
                    f"{GENERIC_MAKERS[n % len(GENERIC_MAKERS)]}",
                    unit,
                    f"{max(price * ratio, 5.0):.2f}",
                )
            )
        columns = ("code", "name", "unit", "unit_price", "is_generic", "generic_id")
        self.copy("medical_drug", columns, ((*g, "t", None) for g in generics))
        self.cursor.execute(
            "SELECT code, id FROM medical_drug WHERE code LIKE %s", [f"{DRUG_CODE_PREFIX}2%"]
        )
        generic_ids = dict(self.cursor.fetchall())
        # Half of the brands can switch to a generic.
        self.copy(
            "medical_drug",
            columns,
            (
                (*b, "f", generic_ids[f"{DRUG_CODE_PREFIX}2{b[0][3:]}"] if n % 2 == 0 else None)
                for n, b in enumerate(brands)
            ),
        )
        self.cursor.execute(
            "SELECT id, unit_price::text, is_generic FROM medical_drug WHERE code LIKE %s"
            " ORDER BY code",
            [f"{DRUG_CODE_PREFIX}%"],
        )
        drugs = self.cursor.fetchall()
        say(f"  {len(drugs):,} drugs")
        return drugs

    def write_persons(self) -> list[tuple]:
        """Households and persons; the persons as (id, household id, branch, age, insured)."""
        rng = self.rng
        sizes: list[int] = []
        total = 0
        while total < self.spec.persons:
            size = min(rng.choices((1, 2, 3, 4), weights=(32, 24, 22, 22))[0],
                       self.spec.persons - total)  # fmt: skip
            sizes.append(size)
            total += size
        # 記号 is the employer's office, 番号 the member within it.
        offices = max(1, len(sizes) // 150)
        keys = [(f"{1000 + n % offices}", f"{n // offices + 1}") for n in range(len(sizes))]
        self.copy(
            "kosmo_household",
            ("union_id", "symbol", "number"),
            ((self.union_id, symbol, number) for symbol, number in keys),
        )
        self.cursor.execute(
            "SELECT symbol, number, id FROM kosmo_household WHERE union_id = %s", [self.union_id]
        )
        ids = {(symbol, number): pk for symbol, number, pk in self.cursor.fetchall()}
        household_ids = [ids[key] for key in keys]

        rows = []
        year = self.year
        for household_id, size in zip(household_ids, sizes, strict=True):
            family, family_kana = rng.choice(FAMILY_NAMES)
            insured_age = rng.randint(22, 64)
            insured_sex = "1" if rng.random() < 0.62 else "2"
            members = [("insured", "self", "00", insured_age, insured_sex)]
            if size >= 2:
                if rng.random() < 0.85:
                    spouse_sex = "2" if insured_sex == "1" else "1"
                    spouse_age = max(20, insured_age + rng.randint(-5, 3))
                    members.append(("dependent", "spouse", "01", spouse_age, spouse_sex))
                else:
                    members.append(("dependent", "child", "01", max(0, insured_age - 28), "2"))
            for branch in range(len(members), size):
                age = max(0, min(22, insured_age - rng.randint(24, 40)))
                members.append(("dependent", "child", f"{branch:02d}", age, rng.choice("12")))
            qualified = dt.date(rng.randint(max(1990, year - 30), year - 1), rng.randint(1, 12), 1)
            for role, relationship, branch, age, sex in members:
                given, given_kana = rng.choice(MALE_NAMES if sex == "1" else FEMALE_NAMES)
                birth = dt.date(year - age, rng.randint(1, 12), rng.randint(1, 28))
                rows.append(
                    (household_id, role, relationship, branch, family, given, family_kana,
                     given_kana, sex, birth.isoformat(), max(qualified, birth).isoformat(),
                     "160-0023", f"東京都新宿区西新宿{rng.randint(1, 8)}-{rng.randint(1, 30)}")
                )  # fmt: skip
        self.copy(
            "kosmo_person",
            (
                "household_id",
                "role",
                "relationship",
                "branch",
                "family_name",
                "given_name",
                "family_name_kana",
                "given_name_kana",
                "sex",
                "birth_date",
                "qualified_on",
                "postal_code",
                "address",
            ),  # fmt: skip
            rows,
        )
        self.cursor.execute(
            "SELECT p.id, p.household_id, p.branch, p.birth_date, p.role FROM kosmo_person p"
            " JOIN kosmo_household h ON h.id = p.household_id WHERE h.union_id = %s"
            " ORDER BY p.household_id, p.branch",
            [self.union_id],
        )
        persons = [
            (pk, household_id, branch, year - birth.year, role == "insured")
            for pk, household_id, branch, birth, role in self.cursor.fetchall()
        ]
        say(f"  {len(household_ids):,} households, {len(persons):,} persons")
        return persons

    def make_providers(self) -> dict[str, list[Provider]]:
        rng = self.rng
        count = max(50, self.spec.persons // 40)
        providers: dict[str, list[Provider]] = {
            "clinic": [], "pharmacy": [], "dental": [], "hospital": [], "nursing": []
        }  # fmt: skip
        for n in range(count):
            place = PLACES[n % len(PLACES)]
            kind = rng.random()
            if kind < 0.45:
                name = f"{place}{rng.choice(CLINIC_KINDS)}"
                if n % 7 == 0:
                    name = f"医療法人社団{rng.choice(FAMILY_NAMES)[0]}会　{name}"
                elif n % 29 == 0:
                    name = f"ｼﾝｼﾞｭｸ{name}"  # half-width kana, as some claims carry them
                providers["clinic"].append(Provider(f"131{n:07d}", name))
            elif kind < 0.75:
                name = f"{place}{rng.choice(PHARMACY_KINDS)}"
                if n % 5 == 0:
                    name = f"株式会社コスモファーマ　{name}"
                providers["pharmacy"].append(Provider(f"134{n:07d}", name))
            elif kind < 0.93:
                providers["dental"].append(Provider(f"133{n:07d}", f"{place}歯科医院"))
            elif kind < 0.99:
                providers["hospital"].append(Provider(f"132{n:07d}", f"{place}総合病院"))
            else:
                providers["nursing"].append(Provider(f"136{n:07d}", f"{place}訪問看護ステーション"))
        for kind, pool in providers.items():
            if not pool:
                pool.append(Provider(f"139{len(kind):07d}", f"中央{kind}"))
        return providers

    def make_claims(self, persons, providers):
        """Claims per month (lists of rows, month order), and the 調剤 claims that get lines.

        Each person gets a share of the claims drawn from a skewed distribution (older persons
        and small children more), then that many distinct (month, provider, 診療区分) slots
        among their own providers; an outpatient visit brings a 調剤 claim of the pharmacy
        next to the clinic in the same month seven times in ten.
        """
        rng = self.rng
        weights = []
        for _pk, _household, _branch, age, _insured in persons:
            factor = 2.0 if age < 6 else 0.7 if age < 20 else 1.0 if age < 45 else 1.6
            weights.append(factor * rng.gammavariate(0.6, 1.0))
        targets = _apportion(self.spec.claims, weights)

        buckets: list[list[tuple]] = [[] for _ in self.months]
        pharmacy: list[tuple[int, int, int]] = []  # (month index, index in bucket, person age)
        deficit = 0
        made = []
        for index, target in enumerate(targets):
            slots = self._slots(index, target, providers)
            deficit += target - len(slots)
            made.append(slots)
        # Persons who cannot use their share (too few providers) hand it to others.
        order = list(range(len(persons)))
        rng.shuffle(order)
        for i in order:
            if deficit <= 0:
                break
            slots = made[i]
            extra = self._slots(i, len(slots) + min(deficit, 6), providers, slots)
            deficit -= len(extra) - len(slots)
            made[i] = extra
        if deficit > 0:
            raise RuntimeError(f"could not place {deficit} claims")
        for person, slots in zip(persons, made, strict=True):
            pk, household_id, _branch, age, _insured = person
            for month_index, provider, care_type in slots:
                row = self._claim_row(household_id, pk, month_index, provider, care_type, age)
                bucket = buckets[month_index]
                if care_type == PHARMACY:
                    pharmacy.append((month_index, len(bucket), age))
                bucket.append(row)
        # Within a month, rows come household by household, as an import file would.
        say(f"  {sum(len(b) for b in buckets):,} claims made, {len(pharmacy):,} of them 調剤")
        return buckets, pharmacy

    def _slots(self, index, target, providers, existing=None):
        """Up to `target` distinct (month index, provider, 診療区分) for the `index`-th person,
        added to `existing`."""
        rng = self.rng
        own = random.Random(index * 7919 + self.spec.seed)  # the person's own providers
        clinics = [own.choice(providers["clinic"]) for _ in range(2)]
        pharmacies = [own.choice(providers["pharmacy"]) for _ in range(2)]
        dental = own.choice(providers["dental"])
        hospital = own.choice(providers["hospital"])
        nursing = own.choice(providers["nursing"])
        entries = [  # (weight, provider, 診療区分, pharmacy next to it)
            (1.0, clinics[0], OUTPATIENT, pharmacies[0]),
            (0.45, clinics[1], OUTPATIENT, pharmacies[1]),
            (0.35, dental, DENTAL, None),
            (0.15, hospital, OUTPATIENT, pharmacies[0]),
            (0.04, hospital, INPATIENT, None),
            (0.01, nursing, HOME_NURSING, None),
        ]
        cumulative = list(_accumulate(entry[0] for entry in entries))
        capacity = len(self.months) * (len(entries) + 2)
        target = min(target, capacity)
        slots = list(existing or [])
        taken = {(m, p.code, c) for m, p, c in slots}
        attempts = 0
        while len(slots) < target and attempts < target * 30 + 100:
            attempts += 1
            month = rng.randrange(len(self.months))
            _w, provider, care_type, next_door = entries[
                _bisect(cumulative, rng.random() * cumulative[-1])
            ]
            key = (month, provider.code, care_type)
            if key in taken:
                continue
            taken.add(key)
            slots.append((month, provider, care_type))
            if next_door is not None and len(slots) < target and rng.random() < 0.7:
                key = (month, next_door.code, PHARMACY)
                if key not in taken:
                    taken.add(key)
                    slots.append((month, next_door, PHARMACY))
        return slots

    def _claim_row(self, household_id, person_id, month_index, provider, care_type, age):
        rng = self.rng
        if care_type == INPATIENT:
            days = rng.randint(3, 20)
            total = days * rng.randrange(25_000, 60_000, 10)
        elif care_type == HOME_NURSING:
            days = rng.randint(4, 12)
            total = days * 9_000
        elif care_type == PHARMACY:
            days = rng.randint(1, 3)
            total = 0  # set from the lines (make_lines)
        else:
            days = rng.randint(1, 4)
            total = days * rng.randrange(1_500, 6_000, 10)
        return [household_id, person_id, self.month_text[month_index], provider.code,
                provider.name, care_type, days, total, 0, 0, 0, "", age]  # fmt: skip

    def make_lines(self, pharmacy, drugs, claims):
        """The prescription lines of the 調剤 claims (at least one each), per month; fills in
        those claims' amounts; turns every claim into its COPY row."""
        rng = self.rng
        if len(pharmacy) > self.spec.lines:
            raise RuntimeError("more 調剤 claims than prescription lines")
        extra = _apportion(
            self.spec.lines - len(pharmacy), [rng.gammavariate(1.2, 1.0) for _ in pharmacy]
        )
        # Popular drugs are prescribed far more often (Zipf-like).
        cumulative = list(_accumulate(1.0 / (rank + 1) for rank in range(len(drugs))))
        order = list(range(len(drugs)))
        rng.shuffle(order)
        buckets: list[list[tuple]] = [[] for _ in self.months]
        for (month_index, position, _age), more in zip(pharmacy, extra, strict=True):
            claim = claims[month_index][position]
            household_id, person_id, month, code, name = claim[:5]
            cost = 0.0
            for line_no in range(1, more + 2):
                drug_id, price, _generic = drugs[
                    order[_bisect(cumulative, rng.random() * cumulative[-1])]
                ]
                quantity = rng.choice(QUANTITIES)
                cost += float(price) * float(quantity)
                buckets[month_index].append(
                    (household_id, person_id, month, code, name, line_no, drug_id, price,
                     quantity)
                )  # fmt: skip
            claim[7] = int(cost) // 10 * 10 + 1_200  # 薬剤料 + 調剤技術料, roughly
        for bucket in claims:
            for i, claim in enumerate(bucket):
                bucket[i] = _amounts(claim, rng)
        say(f"  {sum(len(b) for b in buckets):,} prescription lines made")
        return buckets


def _amounts(claim: list, rng: random.Random) -> tuple:
    """The claim's COPY row: 自己負担 30 % (20 % before school age), rounded to 10 yen; for
    some children the municipality pays it (公費)."""
    *row, age = claim
    total = row[7]
    share = min(total, (total * (2 if age < 6 else 3) + 50) // 100 * 10)
    public = share if age < 15 and rng.random() < 0.5 else 0
    row[8] = total - share  # 保険者負担額
    row[9] = public  # 公費負担額
    row[10] = share - public  # 自己負担額
    return tuple(row)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` into whole numbers that add up exactly."""
    weight_sum = sum(weights) or 1.0
    shares = [total * w / weight_sum for w in weights]
    counts = [math.floor(share) for share in shares]
    left = total - sum(counts)
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[:left]:
        counts[i] += 1
    return counts


def _accumulate(values: Iterable[float]) -> Iterator[float]:
    running = 0.0
    for value in values:
        running += value
        yield running


def _bisect(cumulative: list[float], point: float) -> int:
    from bisect import bisect_right

    return min(bisect_right(cumulative, point), len(cumulative) - 1)


def _check_columns(table: str, columns: Iterable[str]) -> None:
    """Fail clearly if a migration added a NOT NULL column this generator does not write."""
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    given = set(columns)
    missing = [
        field.column
        for field in model._meta.concrete_fields
        if not field.null and not field.primary_key and field.column not in given
    ]
    if missing:
        raise RuntimeError(f"bench/synthetic.py does not write {table}.{', '.join(missing)}")


# --- Sessions -----------------------------------------------------------------------------------


def ensure_accounts(union, person_ids: list[int]) -> dict:
    """{person id: account} for these persons, creating the accounts they lack: first login
    long done, no usable password (the benchmark never uses the login form)."""
    from django.db import connection
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import MfaMethod, User

    existing = {user.person_id: user for user in User.objects.filter(person_id__in=person_ids)}
    now = timezone.now()
    created = User.objects.bulk_create(
        [
            User(
                username=f"bench{pk}",
                email=f"bench{pk}@example.jp",
                password="!" + get_random_string(40),
                union=union,
                person_id=pk,
                identity_verified_at=now,
                user_id_chosen_at=now,
                password_changed_at=now,
                mfa_method=MfaMethod.EMAIL,
            )
            for pk in person_ids
            if pk not in existing
        ],
        batch_size=1000,
    )
    if created:
        # Fresh statistics, as autovacuum would leave them: with the table's old ones the
        # planner may join the whole person table to find one account (10 ms a request).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE accounts_user")
    return {user.person_id: user for user in User.objects.filter(person_id__in=person_ids)}


def create_sessions(*, members: int, seed: int, usernames: list[str]) -> dict:
    """Replace the benchmark's sessions: `members` random insured members of the synthetic
    union (in random order), and one per username. Returns their keys and the e-Tax year."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.flows import JOURNEY_DONE
    from accounts.models import User
    from kosmo.models import Person, Union
    from medical import etax

    union = Union.objects.filter(slug=UNION_SLUG).first()
    accounts = []
    if members:
        if union is None:
            raise SystemExit("no synthetic union: run `synthetic.py generate` first")
        insured = list(
            Person.objects.filter(household__union=union, role=Person.Role.INSURED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chosen = random.Random(seed).sample(insured, min(members, len(insured)))
        by_person = ensure_accounts(union, chosen)
        accounts = [by_person[pk] for pk in chosen]
    named = {name: User.objects.get(username=name) for name in usernames}

    backend = settings.AUTHENTICATION_BACKENDS[0]
    store = SessionStore()
    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    def session_for(user) -> Session:
        # What a login leaves in the session, plus the journey flag; set_expiry(age), as with
        # 「ログイン状態の保存」, so the idle timeout does not rewrite the session every minute.
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            JOURNEY_DONE: True,
            "_session_expiry": settings.SESSION_COOKIE_AGE,
        }
        key = SESSION_PREFIX + get_random_string(
            32 - len(SESSION_PREFIX), "abcdefghijklmnopqrstuvwxyz0123456789"
        )
        return Session(session_key=key, session_data=store.encode(data), expire_date=expires)

    Session.objects.filter(session_key__startswith=SESSION_PREFIX).delete()
    member_sessions = [session_for(user) for user in accounts]
    named_sessions = {name: session_for(user) for name, user in named.items()}
    Session.objects.bulk_create([*member_sessions, *named_sessions.values()])
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
        # As after a real login, the sessions are in the cache too (cached_db writes through).
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].set_many(
            {
                KEY_PREFIX + session.session_key: store.decode(session.session_data)
                for session in [*member_sessions, *named_sessions.values()]
            },
            timeout=settings.SESSION_COOKIE_AGE,
        )
    return {
        "members": [session.session_key for session in member_sessions],
        "named": {name: session.session_key for name, session in named_sessions.items()},
        "union_host": union.domain if union else None,
        "etax_year": etax.offered_years()[0],
    }


if __name__ == "__main__":
    sys.exit(main())
