"""Demo medical data: three years of claims and prescriptions for the demo households, with
the manual's examples (the March table and the November prescription statement)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kosmo.models import Person, Union
from medical import etax
from medical.models import CareType, Claim, Drug, PrescriptionLine

PROVIDERS = [
    ("サンプルクリニック", CareType.OUTPATIENT),
    ("みなと内科医院", CareType.OUTPATIENT),
    ("さくら歯科クリニック", CareType.DENTAL),
    ("ホロウ薬局", CareType.PHARMACY),
    ("中央総合病院", CareType.INPATIENT),
]
# (brand code, name, unit, 薬価, generic code, generic name, generic 薬価): the manual's example.
DRUGS = [
    (
        "620000001",
        "スピラゾンクリーム0.3%",
        "g",
        "14.7",
        "620000101",
        "プレドニゾロン吉草酸エステル酢酸エステルクリーム0.3%「YD」",
        "13.3",
    ),
    (
        "620000002",
        "サワシリンカプセル250 250mg",
        "カプセル",
        "10.2",
        "620000102",
        "アモキシシリンカプセル250mg「日医工」",
        "10.0",
    ),
    (
        "620000003",
        "ロキソニン錠60mg",
        "錠",
        "18.6",
        "620000103",
        "ロキソプロフェンナトリウム錠60mg",
        "5.6",
    ),
    (
        "620000004",
        "ムコスタ錠100mg",
        "錠",
        "17.4",
        "620000104",
        "レバミピド錠100mg「アメル」",
        "9.6",
    ),
]
QUANTITIES = ["5", "15", "126", "126"]


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    for union in unions.values():
        etax.ensure_demo_credential(union)  # self-signed: e-Tax itself would not trust it
    drugs = _drugs()
    rng = random.Random(20260401)  # noqa: S311 — demo data, the same every time
    today = timezone.localdate()
    months = [_months_back(today, back) for back in range(36, 2, -1)]  # claims arrive late
    persons = Person.objects.filter(household__union__in=unions.values()).select_related(
        "household"
    )
    Claim.objects.filter(person__in=persons).delete()
    PrescriptionLine.objects.filter(person__in=persons).delete()
    claims, lines = [], []
    for person in persons:
        for month in months:
            if rng.random() > 0.35:
                continue
            for provider, care_type in rng.sample(PROVIDERS, rng.randint(1, 2)):
                total = (
                    rng.randrange(1500, 40000, 10) if care_type != CareType.INPATIENT else 180000
                )
                patient = total * 3 // 10
                claims.append(
                    Claim(
                        household=person.household,
                        person=person,
                        service_month=month,
                        provider_name=provider,
                        care_type=care_type,
                        days=rng.randint(1, 3),
                        total_cost=total,
                        insurer_paid=total - patient,
                        public_paid=0,
                        patient_paid=patient,
                    )
                )
                if care_type == CareType.PHARMACY:
                    for number, (brand, quantity) in enumerate(
                        zip(drugs, QUANTITIES, strict=True), 1
                    ):
                        lines.append(
                            PrescriptionLine(
                                household=person.household,
                                person=person,
                                service_month=month,
                                provider_name=provider,
                                line_no=number,
                                drug=brand,
                                unit_price=brand.unit_price,
                                quantity=Decimal(quantity),
                            )
                        )
    manual = _manual_keys(persons)
    claims = [c for c in claims if (c.person_id, c.service_month) not in manual]
    lines = [li for li in lines if (li.person_id, li.service_month) not in manual]
    claims += _manual_claims(persons)
    lines += _manual_prescriptions(persons, drugs)
    Claim.objects.bulk_create(claims)
    PrescriptionLine.objects.bulk_create(lines)
    period = f"{months[0]:%Y/%m}〜{months[-1]:%Y/%m}"
    return [f"  医療費: {len(claims)}件、処方医薬品: {len(lines)}件 ({period})"]


MANUAL_MONTH = dt.date(2025, 3, 1)
MANUAL_PRESCRIPTION_MONTH = dt.date(2024, 11, 1)


def _yamada(persons, branch: str) -> Person | None:
    return next((p for p in persons if p.household.number == "10001" and p.branch == branch), None)


def _manual_keys(persons) -> set:
    """The 山田 household's months that show exactly the manual's examples."""
    return {
        (p.pk, month)
        for p in persons
        if p.household.number == "10001"
        for month in (MANUAL_MONTH, MANUAL_PRESCRIPTION_MONTH)
    }


def _manual_claims(persons) -> list[Claim]:
    """The manual's 2025年3月 table: ¥27,120 = ¥18,984 + ¥4,416 + ¥3,720."""
    taro, hanako = _yamada(persons, "00"), _yamada(persons, "01")
    if not (taro and hanako):
        return []
    rows = [
        (taro, "サンプルクリニック", CareType.OUTPATIENT, 9972, 1200, 1628),
        (taro, "ホロウ薬局", CareType.PHARMACY, 1552, 0, 148),
        (hanako, "パドコ歯科", CareType.DENTAL, 7460, 3216, 1944),
    ]
    return [
        Claim(
            household=person.household,
            person=person,
            service_month=MANUAL_MONTH,
            provider_name=name,
            care_type=care_type,
            days=1,
            total_cost=insurer + public + patient,
            insurer_paid=insurer,
            public_paid=public,
            patient_paid=patient,
        )
        for person, name, care_type, insurer, public, patient in rows
    ]


def _manual_prescriptions(persons, drugs) -> list[PrescriptionLine]:
    """The manual's 2024年11月 statement: ¥1,429, of which ¥789 could be saved."""
    taro = _yamada(persons, "00")
    if taro is None:
        return []
    return [
        PrescriptionLine(
            household=taro.household,
            person=taro,
            service_month=MANUAL_PRESCRIPTION_MONTH,
            provider_name="サンプルクリニック",
            line_no=number,
            drug=drug,
            unit_price=drug.unit_price,
            quantity=Decimal(quantity),
        )
        for number, (drug, quantity) in enumerate(zip(drugs, QUANTITIES, strict=True), 1)
    ]


def _months_back(today: dt.date, back: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _drugs() -> list[Drug]:
    brands = []
    for code, name, unit, price, generic_code, generic_name, generic_price in DRUGS:
        generic, _ = Drug.objects.update_or_create(
            code=generic_code,
            defaults={
                "name": generic_name,
                "unit": unit,
                "unit_price": Decimal(generic_price),
                "is_generic": True,
            },
        )
        brand, _ = Drug.objects.update_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "unit_price": Decimal(price), "generic": generic},
        )
        brands.append(brand)
    return brands
