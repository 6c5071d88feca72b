"""Demo 給付金 data for `manage.py seed_demo`: each demo union's 給付種別 master and a few
years of payments for its households, with the manual's example (2024/12: two
「インフルエンザ予防接種補助金」 of ¥3,000 for 山田 太郎 and 山田 花子).

高額療養費 follows the medical demo's claims (seeded before this): every member is in
所得区分ウ (標準報酬月額28万〜50万円, 限度額 80,100円 + (総医療費 − 267,000円) × 1%), and a
claim whose 自己負担 passes it is paid back the excess three months later. 傷病手当金 is paid
from the 4th day off work (the first three are the 待期期間), so its 日数 is its period's."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from benefits.models import BenefitPayment, BenefitType
from kosmo.models import Person, Union
from medical import demo as medical_demo

# (code, name, 表示順): the usual 法定給付 and 付加給付 of a 健康保険組合, and its own subsidies.
STANDARD_TYPES = [
    ("S01", "傷病手当金", 10),
    ("S02", "出産手当金", 20),
    ("S03", "出産育児一時金", 30),
    ("S04", "家族出産育児一時金", 31),
    ("K01", "高額療養費", 40),
    ("K02", "付加給付", 50),
    ("K03", "療養費", 60),
    ("H01", "インフルエンザ予防接種補助金", 90),
]
FLU_SUBSIDY = {"kosmo": 3000, "sakura": 2000}
HIGH_COST_BAND = "ウ"  # 所得区分 of every demo member (kosmo.high_cost.BANDS)
HIGH_COST_PAID_AFTER = 3  # months from the 診療年月 to the payment
M = dt.date  # a month is its first day


def _first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_back(today: dt.date, back: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    recent = _months_back(timezone.localdate(), 2)
    persons = {
        (p.household.union.slug, p.household.number, p.branch): p
        for p in Person.objects.filter(household__union__in=unions.values()).select_related(
            "household__union"
        )
    }
    BenefitPayment.objects.filter(person__in=persons.values()).delete()
    over_limit = medical_demo.claims_over_limit(unions, band=HIGH_COST_BAND)
    payments: list[BenefitPayment] = []
    for slug, union in unions.items():
        types = {}
        for code, name, order in STANDARD_TYPES:
            types[name], _ = BenefitType.objects.update_or_create(
                union=union, code=code, defaults={"name": name, "sort_order": order}
            )

        def pay(number, branch, type_name, paid, amount, **extra):
            person = persons.get((slug, number, branch))  # noqa: B023 - used within the loop
            if person is None or paid > recent:
                return
            payments.append(
                BenefitPayment(
                    household=person.household,
                    person=person,
                    benefit_type=types[type_name],  # noqa: B023
                    paid_month=paid,
                    amount=amount,
                    **extra,
                )
            )

        flu = FLU_SUBSIDY.get(slug, 3000)
        for number, members in HOUSEHOLD_FLU.get(slug, {}).items():
            for year, branches in members.items():
                for branch in branches:
                    pay(number, branch, "インフルエンザ予防接種補助金", M(year, 12, 1), flu,
                        service_month=M(year, 11, 1))  # fmt: skip
        for number, branch, type_name, paid, amount, extra in OTHER_PAYMENTS.get(slug, []):
            pay(number, branch, type_name, paid, amount, **extra)
        for over in over_limit:
            household = over.person.household
            if household.union.slug == slug:
                pay(household.number, over.person.branch, "高額療養費",
                    _months_back(over.service_month, -HIGH_COST_PAID_AFTER), over.refund,
                    service_month=over.service_month,
                    note=f"所得区分{HIGH_COST_BAND} 限度額{over.limit:,}円")  # fmt: skip
        # Something recent, so the newest month is not years old whenever the demo is run
        # (さくら's is the 高額療養費 of a hospital stay five months ago).
        if slug == "kosmo":
            pay("10001", "01", "付加給付", recent, 8200,
                service_month=_months_back(recent, 3), note="一部負担還元金")  # fmt: skip
    BenefitPayment.objects.bulk_create(payments)
    return [f"  給付金: {len(payments)}件"]


# Who got the インフルエンザ予防接種補助金 each December: household number → {year: branches}.
# 2024 is the manual's table: only 山田 太郎 and 山田 花子.
HOUSEHOLD_FLU = {
    "kosmo": {
        "10001": {2023: ["00", "01", "02", "03"], 2024: ["00", "01"], 2025: ["00", "01", "02"]},
        "10002": {2023: ["00"], 2024: ["00", "01"], 2025: ["00"]},
        "20001": {2024: ["00"], 2025: ["00"]},
    },
    "sakura": {
        "30001": {2023: ["00", "01", "02"], 2024: ["00", "01", "02"], 2025: ["01", "02"]},
        "30002": {2024: ["00"]},
    },
}

OTHER_PAYMENTS = {
    "kosmo": [
        (
            "10001",
            "02",
            "付加給付",
            M(2024, 7, 1),
            58600,  # his stay's 自己負担 after 高額療養費 (83,630円) − 25,000円, in hundreds
            {"service_month": M(2024, 3, 1), "note": "一部負担還元金"},
        ),
        (
            "10001",
            "00",
            "傷病手当金",
            M(2025, 9, 1),
            240240,  # 日額 8,580円 × 28日
            {
                "service_month": M(2025, 7, 1),
                "period_start": M(2025, 7, 4),
                "period_end": M(2025, 7, 31),
                "days": 28,
                "note": "待期期間 2025/07/01〜07/03",
                "decided_on": M(2025, 9, 10),
            },
        ),
        (
            "10001",
            "00",
            "傷病手当金",
            M(2025, 10, 1),
            265980,  # 8,580円 × 31日
            {
                "service_month": M(2025, 8, 1),
                "period_start": M(2025, 8, 1),
                "period_end": M(2025, 8, 31),
                "days": 31,
                "decided_on": M(2025, 10, 9),
            },
        ),
        (
            "10002",
            "01",
            "出産手当金",
            M(2025, 5, 1),
            588000,
            {
                "service_month": M(2025, 3, 1),
                "period_start": M(2025, 1, 10),
                "period_end": M(2025, 4, 17),
                "days": 98,
                "decided_on": M(2025, 5, 12),
            },
        ),
        (
            "10002",
            "01",
            "家族出産育児一時金",
            M(2025, 4, 1),
            500000,
            {"service_month": M(2025, 3, 1), "note": "直接支払制度の差額"},
        ),
        (
            "20001",
            "00",
            "療養費",
            M(2025, 6, 1),
            12600,
            {"service_month": M(2025, 3, 1), "note": "治療用装具"},
        ),
    ],
    "sakura": [
        (
            "30002",
            "00",
            "傷病手当金",
            M(2024, 11, 1),
            156000,  # 日額 7,800円 × 20日
            {
                "service_month": M(2024, 10, 1),
                "period_start": M(2024, 10, 1),
                "period_end": M(2024, 10, 20),
                "days": 20,
                "note": "待期期間 2024/09/28〜09/30",
            },
        ),
    ],
}
