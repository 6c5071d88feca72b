"""Demo challenges for `manage.py seed_demo`: three stages of preset challenges for every
union that contracted チャレンジ (the rich kosmo, not the standard sakura), and for 山田 太郎
and 山田 花子 challenges under way with their days marked up to yesterday — today is left
for the visitor to mark from the challenge page, まとめて記録 or the 日々の記録 TOP.

Keyed by natural keys (stage name, preset title, the person and the challenge's title), so a
second run on another day moves the periods along instead of adding rows."""

from __future__ import annotations

import datetime as dt
import uuid

from kosmo.models import Person, Union
from wellness.challenges import queries
from wellness.challenges.models import Challenge, ChallengeDay, PresetChallenge, Stage

STAGES = [
    (
        "ステージ1 まずはここから",
        "毎日の生活に少しだけ運動と記録を足すチャレンジです。",
        [
            ("1日8,000歩歩く", "通勤や買い物で、いつもより少し多く歩きましょう。"),
            ("エレベーターより階段を使う", "3階までは階段を使いましょう。"),
            ("毎朝体重を測る", "起きてすぐ、同じ条件で測ると変化がよく分かります。"),
        ],
    ),
    (
        "ステージ2 生活習慣を見直す",
        "食事・お酒・睡眠を見直すチャレンジです。",
        [
            ("週に2日は休肝日をつくる", "お酒を飲まない日をつくり、肝臓を休めましょう。"),
            ("夕食の主食を半分にする", "ごはん・麺・パンを半分にして、野菜を増やしましょう。"),
            ("23時までに寝る", "7時間程度の睡眠が目安です。"),
        ],
    ),
    (
        "ステージ3 さらに上を目指す",
        "習慣が身についたら、もう一歩進んだチャレンジに挑戦しましょう。",
        [
            ("1日10,000歩歩く", "ひと駅歩くなど、歩く時間をつくりましょう。"),
            ("間食をしない", "小腹が空いたら水やお茶を飲みましょう。"),
            ("毎日30分の運動をする", "ウォーキングや筋トレなど、続けやすい運動を選びましょう。"),
        ],
    ),
]

# (household number, branch): [(title, preset?, days since the start, days in all, marks)]
# marks are the ○/× from the start day on, up to yesterday; "o" ○, "x" ×, "-" not recorded.
CHALLENGES = {
    ("10001", "00"): [
        ("1日8,000歩歩く", True, 20, 30, "ooxoooxooo-oooxooooo"),
        ("週に2日は休肝日をつくる", True, 9, 28, "xoxxoxoxo"),
        ("毎朝ストレッチをする", False, 4, 14, "oooo"),
        ("エレベーターより階段を使う", True, 45, 30, "ooxooooxoooooxooooooooxooooo-o"),
    ],
    ("10001", "01"): [
        ("23時までに寝る", True, 12, 21, "oxooooxooooo"),
    ],
}
DEMO_UNION = "kosmo"


def seed(unions: dict[str, Union]) -> list[str]:
    lines = []
    for union in unions.values():
        if not union.has_feature("challenges"):
            continue
        presets = _seed_stages(union)
        lines.append(
            f"  {union.name}: チャレンジのステージ {len(STAGES)} 件、用意されたチャレンジ"
            f" {len(presets)} 件"
        )
    union = unions.get(DEMO_UNION)
    if union is None or not union.has_feature("challenges"):
        return lines
    presets = {
        preset.title: preset
        for preset in PresetChallenge.objects.filter(stage__union=union, published=True)
    }
    today = queries.today()
    for (number, branch), challenges in CHALLENGES.items():
        person = Person.objects.filter(
            household__union=union, household__number=number, branch=branch
        ).first()
        if person is None:
            continue
        for title, from_preset, since, total, marks in challenges:
            _seed_challenge(
                person, title, presets.get(title) if from_preset else None, today, since, total,
                marks,
            )  # fmt: skip
        lines.append(f"  {person.full_name}: チャレンジ {len(challenges)} 件")
    return lines


def _seed_stages(union: Union) -> list[PresetChallenge]:
    presets = []
    for order, (name, description, challenges) in enumerate(STAGES):
        stage, _ = Stage.objects.update_or_create(
            union=union, name=name, defaults={"description": description, "order": order}
        )
        for position, (title, text) in enumerate(challenges):
            preset, _ = PresetChallenge.objects.update_or_create(
                stage=stage, title=title, defaults={"description": text, "order": position}
            )
            presets.append(preset)
    return presets


def _seed_challenge(person, title, preset, today, since, total, marks) -> None:
    start_on = today - dt.timedelta(days=since)
    challenge, _ = Challenge.objects.update_or_create(
        person=person,
        title=title,
        defaults={
            "preset": preset,
            "start_on": start_on,
            "end_on": start_on + dt.timedelta(days=total - 1),
        },
        create_defaults={
            "preset": preset,
            "start_on": start_on,
            "end_on": start_on + dt.timedelta(days=total - 1),
            "token": uuid.uuid4(),
        },
    )
    challenge.days.all().delete()
    ChallengeDay.objects.bulk_create(
        ChallengeDay(
            challenge=challenge, date=start_on + dt.timedelta(days=offset), achieved=mark == "o"
        )
        for offset, mark in enumerate(marks)
        if mark != "-" and start_on + dt.timedelta(days=offset) < today
    )
