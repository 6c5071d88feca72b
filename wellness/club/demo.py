# ruff: noqa: E501 — the demo articles are one row each, easier to read than wrapped
"""Demo MY HEALTH CLUB for `manage.py seed_demo`: 32 articles (four in each of the eight
categories), four スペシャルサポーター, 山田 太郎's favourites and 30 days of reads by the demo
households, so the weekly and monthly rankings show. Only for unions that contracted the
feature (the rich demo union); the standard one gets none."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from kosmo.models import Person, Union
from wellness.club.models import Article, Category, Favourite, ReadEvent, Supporter, Tag

SUPPORTERS = [
    ("高橋 美穂", "管理栄養士", "病院での栄養指導を経て、働く世代の食事改善を専門にしています。\n\n"
     "忙しい毎日でも続けられる、手軽でおいしい健康レシピを紹介します。"),
    ("松本 健一", "医師（内科・産業医）", "企業の産業医として、健診結果の見方や生活習慣病の予防を"
     "わかりやすくお伝えしています。"),
    ("佐々木 亮", "理学療法士・健康運動指導士", "リハビリテーションの現場で培った知識をもとに、"
     "無理なく続けられる運動を提案します。"),
    ("森田 彩", "公認心理師・臨床心理士", "職場のメンタルヘルス相談に携わっています。\n\n"
     "ストレスとの上手な付き合い方や、睡眠の整え方をお話しします。"),
]  # fmt: skip

# category: [(title, summary, tags, supporter index or None), …] — four per category.
ARTICLES: dict[str, list[tuple[str, str, list[str], int | None]]] = {
    Category.EXERCISE: [
        ("1日8,000歩を無理なく続けるコツ", "通勤や買い物の歩き方を少し変えるだけで、歩数は自然に増えます。", ["ウォーキング", "歩数"], 2),
        ("デスクでできる5分間ストレッチ", "座りっぱなしの肩こり・腰痛を防ぐ、椅子に座ったままのストレッチです。", ["ストレッチ", "肩こり"], 2),
        ("はじめての筋トレ：スクワットの正しいフォーム", "下半身の大きな筋肉を鍛えて、代謝を上げましょう。", ["筋トレ"], 2),
        ("雨の日の室内ウォーキング", "天気が悪い日も、家の中で歩数を稼ぐ方法を紹介します。", ["ウォーキング", "歩数"], None),
    ],
    Category.HEALTHCARE: [
        ("健診結果の「要再検査」を放置しないで", "再検査の案内が届いたら、早めに医療機関を受診しましょう。", ["健診", "血圧"], 1),
        ("血圧が高めと言われたら", "家庭血圧の測り方と、減塩・運動で血圧を下げるポイントです。", ["血圧", "減塩"], 1),
        ("睡眠の質を上げる7つの習慣", "寝る前のスマートフォンを控えるなど、今夜からできる睡眠改善のコツです。", ["睡眠"], 3),
        ("花粉症シーズンを快適に過ごすには", "早めの対策と、受診のタイミングについて解説します。", ["花粉症"], 1),
    ],
    Category.RECIPE: [
        ("減塩でもおいしい 鶏むね肉のレモン蒸し", "レモンと香味野菜で、塩分控えめでも満足感のある一品です。", ["減塩", "たんぱく質"], 0),
        ("野菜たっぷり具だくさん味噌汁", "1杯で1日の野菜の3分の1がとれる、朝ごはんにおすすめの味噌汁です。", ["野菜", "朝食"], 0),
        ("作り置きできる ひじきと大豆の煮物", "食物繊維とミネラルがとれる、常備菜の定番です。", ["作り置き", "食物繊維"], 0),
        ("電子レンジで簡単 鮭のきのこ蒸し", "洗い物も少なく、忙しい日の夕食にぴったりです。", ["時短", "魚"], 0),
    ],
    Category.CARE: [
        ("親の介護が始まったら最初に相談する窓口", "地域包括支援センターの役割と、相談の流れを紹介します。", ["介護保険", "相談窓口"], None),
        ("介護と仕事を両立するための制度", "介護休業・介護休暇など、働きながら介護を続けるための制度です。", ["介護休業", "仕事"], None),
        ("転倒を防ぐ住まいの工夫", "手すりや段差の解消など、家の中でできる転倒予防のポイントです。", ["転倒予防"], 2),
        ("介護する人の心のケア", "介護する家族が疲れをためないための工夫と、頼れるサービスです。", ["ストレス", "介護疲れ"], 3),
    ],
    Category.MENTAL: [
        ("ストレスに気づくセルフチェック", "心と体のサインに早めに気づくためのチェックポイントです。", ["ストレス", "セルフケア"], 3),
        ("眠れない夜のリラックス呼吸法", "4秒吸って8秒吐く、寝つきをよくする呼吸法です。", ["睡眠", "リラックス"], 3),
        ("在宅勤務で気分が落ち込むときは", "生活リズムを整え、人とのつながりを保つ工夫を紹介します。", ["在宅勤務"], 3),
        ("マインドフルネスを5分で始める", "今この瞬間に注意を向ける、手軽な瞑想の方法です。", ["マインドフルネス"], 3),
    ],
    Category.PARENTING: [
        ("子どもの予防接種スケジュールの立て方", "接種の時期と、かかりつけ医への相談のポイントです。", ["予防接種"], 1),
        ("子どもの睡眠リズムを整えるには", "早寝早起きの習慣づくりと、寝る前の過ごし方です。", ["睡眠", "生活リズム"], None),
        ("子どもの急な発熱、受診の目安", "夜間や休日に迷ったときの判断のポイントと相談窓口です。", ["発熱", "小児救急"], 1),
        ("親子で楽しむ外遊び", "体を動かす遊びで、子どもの体力づくりを応援しましょう。", ["運動", "外遊び"], 2),
    ],
    Category.BUSINESS: [
        ("集中力が続く休憩のとり方", "50分作業して10分休む、仕事の効率を上げる休憩術です。", ["集中力", "休憩"], 3),
        ("目の疲れを防ぐパソコン作業の姿勢", "画面との距離や照明など、眼精疲労を防ぐポイントです。", ["眼精疲労", "姿勢"], 2),
        ("会議を立って行うメリット", "座りすぎを防ぎ、短く集中した会議にする工夫です。", ["座りすぎ"], None),
        ("出張中も健康的に過ごす食事のコツ", "外食やコンビニでも栄養バランスをとる選び方です。", ["外食", "栄養バランス"], 0),
    ],
    Category.LIFESTYLE: [
        ("禁煙を成功させる3つのステップ", "禁煙外来の活用と、吸いたくなったときの対処法です。", ["禁煙"], 1),
        ("お酒と上手に付き合うために", "節度ある飲酒量の目安と、休肝日のすすめです。", ["飲酒", "休肝日"], 1),
        ("朝の光を浴びて体内時計を整える", "起きたらカーテンを開けることから始める、睡眠と目覚めの習慣です。", ["睡眠", "朝"], 3),
        ("歯と口の健康を守る毎日のケア", "歯周病予防のための歯みがきと、定期健診のすすめです。", ["歯周病"], None),
    ],
}  # fmt: skip

BODY = """<p>{summary}</p>
<h2>ポイント</h2>
<ul>
<li>できることから一つずつ始めましょう。</li>
<li>毎日の記録をつけると、変化に気づきやすくなります。</li>
<li>気になる症状が続くときは、早めに医療機関に相談してください。</li>
</ul>
<h2>続けるために</h2>
<p>「{title}」のような習慣は、続けることで効果が表れます。家族や同僚と一緒に取り組むのもおすすめです。</p>
"""
READ_DAYS = 30
FAVOURITES = 3


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    lines = []
    for union in unions.values():
        Article.objects.filter(union=union).delete()
        Supporter.objects.filter(union=union).delete()
        Tag.objects.filter(union=union).delete()
        if not union.has_feature("health_club"):
            continue
        count, reads = _seed_union(union)
        lines.append(f"  MY HEALTH CLUB ({union.name}): 記事{count}件、閲覧{reads}件")
    return lines


def _seed_union(union: Union) -> tuple[int, int]:
    rng = random.Random(20261205)  # noqa: S311 — demo data, the same every time
    now = timezone.now()
    supporters = [
        Supporter.objects.create(union=union, name=name, title=title, profile=profile, order=i)
        for i, (name, title, profile) in enumerate(SUPPORTERS)
    ]
    tags: dict[str, Tag] = {}
    articles = []
    entries = [(category, entry) for category, items in ARTICLES.items() for entry in items]
    for index, (category, (title, summary, tag_names, supporter)) in enumerate(entries):
        article = Article(
            union=union,
            category=category,
            title=title,
            summary=summary,
            body=BODY.format(title=title, summary=summary),
            supporter=supporters[supporter] if supporter is not None else None,
            supporter_role=Article.Role.SUPERVISED if index % 3 == 0 else Article.Role.WRITTEN,
            publish_from=now - dt.timedelta(days=2 + index * 3, hours=index),
        )
        article.search_text = ""
        article.save()
        for name in tag_names:
            if name not in tags:
                tags[name] = Tag.objects.create(union=union, name=name)
        article.tags.set([tags[name] for name in tag_names])
        Article.objects.filter(pk=article.pk).update(
            search_text=article.make_search_text(tag_names)
        )
        articles.append(article)

    persons = list(Person.objects.filter(household__union=union).order_by("pk"))
    today = timezone.localdate()
    # Some articles are read more than others (a few favourites of everyone), so the
    # rankings differ from the newest-first list; the weekly and monthly ones differ too.
    weights = [rng.randint(1, 10) for _ in articles]
    events = []
    for back in range(READ_DAYS):
        day = today - dt.timedelta(days=back)
        for person in persons:
            for article in set(rng.choices(articles, weights=weights, k=rng.randint(0, 3))):
                if article.publish_from.date() <= day:
                    events.append(ReadEvent(article=article, person=person, read_on=day))
    ReadEvent.objects.bulk_create(events, ignore_conflicts=True)

    taro = next((p for p in persons if (p.family_name, p.given_name) == ("山田", "太郎")), None)
    if taro is not None:
        for article in articles[2 : 2 + FAVOURITES * 5 : 5]:
            Favourite.objects.create(person=taro, article=article)
    return len(articles), len(events)
