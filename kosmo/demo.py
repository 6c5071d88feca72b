"""Demo data for `manage.py seed_demo`: two unions and a few households.

Other apps add their own demo data with a `demo.py` module exposing `seed(unions)`, which
may return lines to print; seed_demo calls each after this one. Everything is keyed by
natural keys, so running it again updates rather than duplicates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kosmo import membership
from kosmo.models import Household, Person, Union

# Former members (資格喪失) of the rich union, dated from the day the demo is seeded: one
# inside the union's window (signs in read-only, history up to the day before the 喪失日),
# one past it (sign-in refused with the union's contact).
FORMER_IN_WINDOW = "former_in_window"
FORMER_CLOSED = "former_closed"


@dataclass(frozen=True)
class DemoPerson:
    branch: str
    relationship: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    sex: str
    birth_date: dt.date
    username: str | None = None
    former: str = ""  # FORMER_IN_WINDOW, FORMER_CLOSED or "" (covered)


UNIONS = [
    {
        "slug": "kosmo",
        "insurer_number": "06139992",
        "name": "コスモ健康保険組合",
        "tier": Union.ContractTier.RICH,
        "domain": "kosmo.localhost",
        "brand_color": "#0b5cab",
        "contact_phone": "03-1234-5678",
        "contact_hours": "平日 9:00〜17:00",
        "contact_email": "kenpo@kosmo.example.jp",
        "postal_code": "100-0005",
        "address": "東京都千代田区丸の内1-1-1",
    },
    {
        "slug": "sakura",
        "insurer_number": "06130009",
        "name": "さくら健康保険組合",
        "tier": Union.ContractTier.STANDARD,
        "domain": "sakura.localhost",
        "brand_color": "#a3245a",
        "contact_phone": "06-9876-5432",
        "contact_hours": "平日 9:30〜17:30",
        "contact_email": "info@sakura-kenpo.example.jp",
        "postal_code": "530-0001",
        "address": "大阪府大阪市北区梅田1-2-3",
    },
]

SELF, SPOUSE, CHILD = (
    Person.Relationship.SELF,
    Person.Relationship.SPOUSE,
    Person.Relationship.CHILD,
)
M, F = Person.Sex.MALE, Person.Sex.FEMALE

HOUSEHOLDS = {
    "kosmo": [
        (
            "1001",
            "10001",
            "東京都新宿区西新宿2-8-1",
            [
                DemoPerson(
                    "00",
                    SELF,
                    "山田",
                    "太郎",
                    "ヤマダ",
                    "タロウ",
                    M,
                    dt.date(1979, 8, 22),
                    "yamada_taro",
                ),
                DemoPerson(
                    "01",
                    SPOUSE,
                    "山田",
                    "花子",
                    "ヤマダ",
                    "ハナコ",
                    F,
                    dt.date(1981, 3, 3),
                    "yamada_hanako",
                ),
                DemoPerson(
                    "02", CHILD, "山田", "一郎", "ヤマダ", "イチロウ", M, dt.date(2010, 5, 5)
                ),
                DemoPerson(
                    "03", CHILD, "山田", "さくら", "ヤマダ", "サクラ", F, dt.date(2019, 5, 1)
                ),
            ],
        ),
        (
            "1001",
            "10002",
            "東京都世田谷区太子堂4-1-1",
            [
                DemoPerson(
                    "00", SELF, "佐藤", "健", "サトウ", "ケン", M, dt.date(1989, 1, 7), "sato_ken"
                ),
                DemoPerson(
                    "01",
                    SPOUSE,
                    "佐藤",
                    "美咲",
                    "サトウ",
                    "ミサキ",
                    F,
                    dt.date(1989, 1, 8),
                    "sato_misaki",
                ),
            ],
        ),
        (
            "1002",
            "20001",
            "神奈川県横浜市西区みなとみらい2-2-1",
            [
                DemoPerson(
                    "00",
                    SELF,
                    "鈴木",
                    "誠",
                    "スズキ",
                    "マコト",
                    M,
                    dt.date(1960, 12, 1),
                ),
                # Left the 扶養 two years ago (her own employer's insurance): account closed.
                DemoPerson(
                    "01",
                    SPOUSE,
                    "鈴木",
                    "恵子",
                    "スズキ",
                    "ケイコ",
                    F,
                    dt.date(1963, 6, 10),
                    "suzuki_keiko",
                    FORMER_CLOSED,
                ),
                # Left the 扶養 a few months ago (a job of his own): read-only until March.
                DemoPerson(
                    "02",
                    CHILD,
                    "鈴木",
                    "大輔",
                    "スズキ",
                    "ダイスケ",
                    M,
                    dt.date(1999, 9, 15),
                    "suzuki_daisuke",
                    FORMER_IN_WINDOW,
                ),
            ],
        ),
    ],
    "sakura": [
        (
            "2001",
            "30001",
            "大阪府大阪市中央区本町3-5-7",
            [
                DemoPerson(
                    "00",
                    SELF,
                    "田中",
                    "一郎",
                    "タナカ",
                    "イチロウ",
                    M,
                    dt.date(1975, 4, 1),
                    "tanaka_ichiro",
                ),
                DemoPerson(
                    "01",
                    SPOUSE,
                    "田中",
                    "洋子",
                    "タナカ",
                    "ヨウコ",
                    F,
                    dt.date(1977, 11, 23),
                    "tanaka_yoko",
                ),
                DemoPerson(
                    "02", CHILD, "田中", "陽斗", "タナカ", "ハルト", M, dt.date(2012, 8, 10)
                ),
            ],
        ),
        (
            "2001",
            "30002",
            "兵庫県神戸市中央区加納町6-5-1",
            [
                DemoPerson(
                    "00",
                    SELF,
                    "高橋",
                    "純",
                    "タカハシ",
                    "ジュン",
                    F,
                    dt.date(1992, 2, 29),
                    "takahashi_jun",
                ),
            ],
        ),
    ],
}


def seed() -> dict[str, Union]:
    """Create or refresh the demo unions, households and persons."""
    unions = {}
    for fields in UNIONS:
        fields = dict(fields)
        slug = fields.pop("slug")
        union, _ = Union.objects.update_or_create(slug=slug, defaults=fields)
        unions[slug] = union
    for slug, households in HOUSEHOLDS.items():
        union = unions[slug]
        for symbol, number, address, people in households:
            household, _ = Household.objects.get_or_create(
                union=union, symbol=symbol, number=number
            )
            for demo in people:
                _seed_person(household, address, demo)
    return unions


def disqualified_on(union: Union, former: str, today: dt.date) -> dt.date | None:
    """The demo 喪失日 of a former member, seen from `today`: inside the union's window, the
    1st of a month up to five months back (some of the demo claims then fall after it);
    past it, 1 April two years back."""
    if former == FORMER_CLOSED:
        return dt.date(today.year - 2, 4, 1)
    if former != FORMER_IN_WINDOW:
        return None
    for back in range(5, -1, -1):
        first = dt.date(today.year, today.month, 1)
        month = first.month - back
        lost = first.replace(year=first.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
        if membership.union_access_ends_on(union, lost) >= today:
            return lost
    return today


def _seed_person(household: Household, address: str, demo: DemoPerson) -> None:
    insured = demo.relationship == SELF
    lost = disqualified_on(household.union, demo.former, timezone.localdate())
    Person.objects.update_or_create(
        household=household,
        branch=demo.branch,
        defaults={
            "role": Person.Role.INSURED if insured else Person.Role.DEPENDENT,
            "relationship": demo.relationship,
            "family_name": demo.family_name,
            "given_name": demo.given_name,
            "family_name_kana": demo.family_name_kana,
            "given_name_kana": demo.given_name_kana,
            "sex": demo.sex,
            "birth_date": demo.birth_date,
            "qualified_on": max(demo.birth_date, dt.date(2015, 4, 1)),
            "disqualified_on": lost,
            "access_extended_until": None,
            "postal_code": "",
            "address": address,
        },
    )
