"""Demo checkups for `manage.py seed_demo`: five years of results for every adult of the demo
households, with 山田 太郎's values drifting out of range (red cells, a rich-version grade C,
メタボ 基準該当 and 積極的支援), and the 生活習慣改善コラム of each demo union."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from checkup.criteria import Rules
from checkup.models import Checkup, CheckupResult, Column
from kosmo.models import Person, Union

EXAMS = 5
ADULT_AGE = 18
INSTITUTION = "コスモ健診センター"

# Healthy values (men / women) and yearly noise; 山田 太郎 follows TARO below instead.
NORMAL = {
    "height": (("171.0", "158.0"), "0.1"),
    "weight": (("66.0", "52.0"), "1.5"),
    "waist": (("80.0", "74.0"), "1.5"),
    "sbp": (("118", "112"), "5"),
    "dbp": (("74", "70"), "4"),
    "tg": (("95", "80"), "20"),
    "hdl": (("58", "66"), "5"),
    "ldl": (("104", "98"), "10"),
    "fpg": (("90", "88"), "4"),
    "hba1c": (("5.2", "5.2"), "0.1"),
    "ast": (("21", "19"), "3"),
    "alt": (("20", "16"), "4"),
    "ggt": (("30", "20"), "6"),
    "creatinine": (("0.85", "0.60"), "0.04"),
    "egfr": (("82.0", "86.0"), "3"),
    "uric_acid": (("5.6", "4.4"), "0.4"),
    "hemoglobin": (("14.8", "13.2"), "0.4"),
}
# 山田 太郎, oldest exam first: blood pressure, LDL, HbA1c and the waist creep up.
TARO = {
    "height": ["172.5", "172.6", "172.5", "172.5", "172.5"],
    "weight": ["68.0", "70.2", "71.5", "73.0", "74.2"],
    "waist": ["83.5", "84.8", "86.0", "87.2", "88.4"],
    "sbp": ["124", "128", "133", "138", "142"],
    "dbp": ["78", "80", "84", "86", "88"],
    "tg": ["128", "142", "156", "170", "182"],
    "hdl": ["52", "50", "48", "46", "45"],
    "ldl": ["118", "126", "135", "144", "152"],
    "fpg": ["94", "97", "99", "102", "104"],
    "hba1c": ["5.4", "5.5", "5.7", "5.8", "6.0"],
    "ast": ["24", "26", "28", "30", "33"],
    "alt": ["26", "29", "33", "36", "41"],
    "ggt": ["42", "48", "55", "63", "72"],
    "creatinine": ["0.88", "0.90", "0.91", "0.92", "0.94"],
    "egfr": ["78.2", "76.9", "75.8", "74.6", "72.9"],
    "uric_acid": ["6.4", "6.7", "6.9", "7.2", "7.6"],
    "hemoglobin": ["15.1", "15.0", "15.2", "14.9", "15.0"],
}

COLUMNS = [
    (
        "bp",
        "塩分を控えて血圧を下げる",
        "1日の食塩は男性7.5g、女性6.5g未満が目標です。",
        "血圧が高めの方は、まず減塩から始めましょう。めん類の汁を残す、しょうゆは「かける」より「つける」、"
        "加工食品の栄養成分表示で食塩相当量を確かめる、といった工夫で無理なく減らせます。\n\n"
        "野菜や果物、海藻に多いカリウムは、余分な塩分を体の外に出す働きがあります。"
        "腎臓の病気がある方は医師に相談してください。",
    ),
    (
        "glucose",
        "血糖値の上昇をゆるやかにする食べ方",
        "野菜から食べる、よく噛む、夜遅い食事を避ける。",
        "食事の最初に野菜や海藻、きのこを食べると、糖の吸収がゆるやかになります。"
        "ひと口30回を目安によく噛み、20分以上かけて食べましょう。\n\n"
        "清涼飲料水や缶コーヒーには多くの糖分が含まれます。飲み物は水やお茶を選びましょう。",
    ),
    (
        "lipid",
        "コレステロールと上手につきあう",
        "脂の多い肉や揚げ物を控え、青魚と食物繊維を。",
        "LDLコレステロールが高めの方は、肉の脂身やバター、揚げ物を控え、青魚や大豆製品を取り入れましょう。\n\n"
        "中性脂肪は甘いものやお酒、食べ過ぎで増えます。ウォーキングなどの有酸素運動を1日30分、"
        "週に3日以上続けると下がりやすくなります。",
    ),
    (
        "uric",
        "尿酸値が気になる方の飲み物選び",
        "水分を1日2リットル、ビールは控えめに。",
        "尿酸は尿と一緒に体の外へ出ます。水やお茶で1日2リットルを目安に水分をとりましょう。\n\n"
        "アルコールは種類を問わず尿酸値を上げます。週に2日は休肝日をつくりましょう。",
    ),
    (
        "liver",
        "休肝日から始める肝臓ケア",
        "お酒の量と、おなか周りの脂肪を減らしましょう。",
        "γ-GTやALTが高めの方は、飲酒量を見直しましょう。1日の適量は日本酒なら1合程度です。\n\n"
        "お酒を飲まない方でも、食べ過ぎや運動不足で脂肪肝になることがあります。体重を3%減らすだけでも数値は改善します。",
    ),
    (
        "obesity",
        "おなか周りを3cm減らす生活習慣",
        "1日あと1,000歩と、間食の見直しから。",
        "内臓脂肪は、運動と食事の見直しで比較的落としやすい脂肪です。"
        "通勤でひと駅歩く、エレベーターより階段を選ぶなど、1日あと1,000歩を目標にしましょう。\n\n"
        "間食や夜食を減らし、体重を毎日同じ時間に量ると、変化が分かり続けやすくなります。",
    ),
    (
        "kidney",
        "腎臓をいたわる毎日の習慣",
        "減塩と血圧・血糖の管理が腎臓を守ります。",
        "腎臓の働きは一度低下すると元に戻りにくいため、早めの対策が大切です。"
        "減塩、禁煙、血圧と血糖の管理が腎臓を守ります。\n\n"
        "痛み止めやサプリメントを長く使うときは、医師や薬剤師に相談しましょう。",
    ),
]


def _exam_dates(today: dt.date) -> list[dt.date]:
    """Five June checkups, the newest in this year if it has already taken place."""
    last = today.year if today >= dt.date(today.year, 6, 20) else today.year - 1
    return [dt.date(year, 6, 10 + (year % 7)) for year in range(last - EXAMS + 1, last + 1)]


def _age(person: Person, day: dt.date) -> int:
    birth = person.birth_date
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _normal_values(person: Person, rng: random.Random) -> dict[str, str]:
    female = person.sex == Person.Sex.FEMALE
    values = {}
    for key, (bases, spread) in NORMAL.items():
        base, step = Decimal(bases[female]), Decimal(spread)
        places = base.as_tuple().exponent
        value = base + step * Decimal(rng.randint(-10, 10)) / 10
        values[key] = str(value.quantize(Decimal(1).scaleb(places)))
    height = Decimal(values["height"]) / 100
    values["bmi"] = str((Decimal(values["weight"]) / (height * height)).quantize(Decimal("0.1")))
    return values


def _taro_values(index: int) -> dict[str, str]:
    values = {key: series[index] for key, series in TARO.items()}
    height = Decimal(values["height"]) / 100
    values["bmi"] = str((Decimal(values["weight"]) / (height * height)).quantize(Decimal("0.1")))
    return values


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    rules = Rules.with_overrides([])
    codes = {key: item.code for key, item in rules.items.items()}
    rng = random.Random(20260605)  # noqa: S311 — demo data, the same every time
    dates = _exam_dates(timezone.localdate())
    persons = list(
        Person.objects.filter(household__union__in=unions.values())
        .select_related("household")
        .order_by("household_id", "branch")
    )
    Checkup.objects.filter(person__in=persons).delete()
    results = []
    for person in persons:
        taro = (person.family_name, person.given_name) == ("山田", "太郎")
        for index, day in enumerate(dates):
            if _age(person, day) < ADULT_AGE:
                continue
            checkup = Checkup.objects.create(
                person=person, household=person.household, exam_date=day, institution=INSTITUTION
            )
            values = _taro_values(index) if taro else _normal_values(person, rng)
            values.update(urine_glucose="-", urine_protein="±" if taro and index == 4 else "-")
            values.update(med_bp="2", med_glucose="2", med_lipid="2", smoker="2")
            results += [
                CheckupResult(checkup=checkup, item_code=codes[key], value=value)
                for key, value in values.items()
            ]
    CheckupResult.objects.bulk_create(results)
    for union in unions.values():
        for order, (category, title, summary, body) in enumerate(COLUMNS):
            Column.objects.update_or_create(
                union=union,
                title=title,
                defaults={"category": category, "summary": summary, "body": body, "order": order},
            )
    return [f"  健診結果: {len(dates)}年分（{dates[0].year}〜{dates[-1].year}年）"]
