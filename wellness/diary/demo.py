"""Demo 健康日記 for `manage.py seed_demo`: a busy diary in the rich kosmo union (not the
standard sakura, which has no contract): 山田 太郎, 山田 花子 and 佐藤 健 agreed to the terms,
set a nickname and posted over the last days, some with a picture, and like each other's
posts; one advertising post sits reported in the staff's queue. 佐藤 美咲 has not started yet,
so the terms and profile steps can be seen.

Pictures are drawn with Pillow at seed time and saved through the same re-encoding as a
member's upload, into the configured private media storage. Keyed by a token derived from
each post's key, so a second run moves the times along instead of adding rows."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kosmo.models import Person, Union
from notices.models import Profile
from wellness.diary import images, services
from wellness.diary.models import DiaryPost, Like, Report

DEMO_UNION = "kosmo"
TOKENS = uuid.UUID("6f1d3c1e-8c5a-4c43-9f0d-1f2a3b4c5d6e")

# (household number, branch): (nickname, self-introduction, avatar colour)
MEMBERS = {
    ("10001", "00"): ("たろう", "毎朝ひと駅歩いています。目標は1日8,000歩！", (46, 125, 200)),
    ("10001", "01"): ("はなこ", "野菜たっぷりの食事づくりが趣味です。", (220, 110, 140)),
    ("10002", "00"): ("ケン", "週末はランニングと筋トレ。", (60, 160, 90)),
}

# key: (author, hours ago, text, picture colours or None, likers)
TARO, HANAKO, KEN = ("10001", "00"), ("10001", "01"), ("10002", "00")
POSTS = [
    (
        "walk-1",
        TARO,
        2,
        "今朝は川沿いを40分ウォーキング。9,200歩でした！",
        ((120, 190, 240), (250, 220, 120)),
        [HANAKO, KEN],
    ),
    (
        "salad",
        HANAKO,
        5,
        "今日のお昼は彩り野菜のサラダ。ドレッシングは手作りです🥗",
        ((90, 170, 80), (230, 80, 60)),
        [TARO],
    ),
    ("run-10k", KEN, 9, "10kmラン完走。ペースは1km 5分40秒。", None, [TARO, HANAKO]),
    ("stairs", TARO, 20, "エレベーターを使わず階段で5階まで。息が上がりました…", None, [KEN]),
    ("sleep", HANAKO, 26, "23時就寝を1週間続けられました。朝がとても楽です。", None, [TARO, KEN]),
    (
        "stretch",
        KEN,
        30,
        "寝る前のストレッチ15分。肩こりが軽くなった気がします。",
        ((200, 160, 230), (255, 255, 255)),
        [],
    ),
    ("no-drink", TARO, 48, "休肝日2日目。炭酸水で乗り切りました。", None, [HANAKO]),
    (
        "soup",
        HANAKO,
        52,
        "具だくさん味噌汁で野菜を一日350g。",
        ((230, 180, 90), (150, 90, 40)),
        [TARO, KEN],
    ),
    ("weight", TARO, 72, "体重を毎朝記録して3週間。-1.2kgです。", None, [KEN]),
    (
        "hike",
        KEN,
        76,
        "週末は高尾山へ。往復で18,000歩！",
        ((70, 140, 70), (180, 220, 250)),
        [TARO, HANAKO],
    ),
    ("ad", KEN, 1, "このサプリで1週間で5kg痩せる！詳しくは http://example.com へ", None, []),
    ("radio", HANAKO, 100, "朝のラジオ体操、家族みんなで続けています。", None, [TARO]),
]
# key: [(reporter, reason)] — open in the staff's queue.
REPORTS = {"ad": [(TARO, Report.Reason.SPAM), (HANAKO, Report.Reason.SPAM)]}


def seed(unions: dict[str, Union]) -> list[str]:
    union = unions.get(DEMO_UNION)
    if union is None or not union.has_feature("diary"):
        return []
    people = {
        key: Person.objects.filter(
            household__union=union, household__number=key[0], branch=key[1]
        ).first()
        for key in MEMBERS
    }
    if any(person is None for person in people.values()):
        return []
    for key, person in people.items():
        _seed_member(person, *MEMBERS[key])
    now = timezone.now()
    posts = {}
    for key, author, hours, body, colours, likers in POSTS:
        post = _seed_post(union, key, people[author], body, now - dt.timedelta(hours=hours))
        if colours and not post.image:
            picture = images.reencode(_picture(*colours))
            post.image.save(picture.name, picture, save=True)
        Like.objects.filter(post=post).exclude(person__in=[people[k] for k in likers]).delete()
        for liker in likers:
            Like.objects.get_or_create(post=post, person=people[liker])
        posts[key] = post
    for key, reports in REPORTS.items():
        for reporter, reason in reports:
            services.report(reporter=people[reporter], post=posts[key], reason=reason)
    return [f"  {union.name}: 健康日記の投稿 {len(posts)} 件（通報 1 件が対応待ち）"]


def _seed_member(person: Person, nickname: str, introduction: str, colour) -> None:
    services.agree_to_terms(person=person)
    profile, _created = Profile.objects.get_or_create(person=person)
    if not profile.nickname:
        profile.nickname = nickname
        profile.introduction = introduction
    if not profile.image:
        avatar = Image.new("RGB", (256, 256), colour)
        ImageDraw.Draw(avatar).ellipse((64, 40, 192, 168), fill=(255, 255, 255))
        ImageDraw.Draw(avatar).ellipse((24, 176, 232, 360), fill=(255, 255, 255))
        out = io.BytesIO()
        avatar.save(out, "PNG")
        profile.image.save("avatar.png", SimpleUploadedFile("avatar.png", out.getvalue()), False)
    profile.save()


def _seed_post(union: Union, key: str, author: Person, body: str, at) -> DiaryPost:
    post, _created = DiaryPost.objects.update_or_create(
        token=uuid.uuid5(TOKENS, f"{union.slug}:{key}"),
        defaults={
            "union": union,
            "author": author,
            "body": body,
            "created_at": at,
            "hidden_at": None,
        },
    )
    return post


def _picture(sky, ground) -> SimpleUploadedFile:
    """A small landscape: sky, ground and a sun — enough to see the picture on a post."""
    picture = Image.new("RGB", (1200, 900), sky)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 560, 1200, 900), fill=ground)
    draw.ellipse((860, 120, 1040, 300), fill=(255, 236, 150))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return SimpleUploadedFile("demo.jpg", out.getvalue(), "image/jpeg")
