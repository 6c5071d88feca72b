"""Demo お知らせ and MYメール for the demo unions (safe to run again: replaces its own rows)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kosmo.models import Person, Union
from notices import help_content, unread
from notices.models import FaqCategory, FaqQuestion, GuideSection, Message, Notice

SERVICE_TITLE = "【メンテナンス】システムメンテナンスのお知らせ"
CHECKUP_TITLE = "特定健診・特定保健指導のご案内"
HOLIDAY_TITLE = "年末年始の窓口休業について"
UNION_TITLES = [CHECKUP_TITLE, HOLIDAY_TITLE]
WELCOME = "健康保険組合からのご案内"
ASKING = "被扶養者の状況についてのご確認"


def seed(unions: dict[str, Union]) -> list[str]:
    # the data migration loads them; a flushed database (browser tests) gets them back here
    help_content.load(GuideSection, FaqCategory, FaqQuestion)
    now = timezone.now()
    Notice.objects.filter(union__in=unions.values(), title__in=UNION_TITLES).delete()
    Notice.objects.filter(union=None, title=SERVICE_TITLE).delete()
    quiet = {"send_email": False, "emailed_at": now}  # demo notices mail nobody
    Notice.objects.create(
        union=None,
        category=Notice.Category.SERVICE,
        title=SERVICE_TITLE,
        body="下記の日時にシステムメンテナンスを行います。\n"
        "メンテナンス中はKOSMO Webをご利用いただけません。",
        publish_from=now - dt.timedelta(days=2),
        **quiet,
    )
    for union in unions.values():
        Notice.objects.create(
            union=union,
            title=CHECKUP_TITLE,
            body=f"{union.name}より、今年度の特定健診のご案内です。\n"
            "40歳以上の加入者の方は、年度内に受診してください。",
            publish_from=now - dt.timedelta(days=10),
            **quiet,
        )
        Notice.objects.create(
            union=union,
            title=HOLIDAY_TITLE,
            body="12月29日から1月3日まで、窓口業務を休業いたします。",
            publish_from=now - dt.timedelta(hours=3),
            **quiet,
        )
        unread.bump_union(union.pk)
    persons = Person.objects.filter(household__union__in=unions.values()).select_related(
        "household"
    )
    # only this module's messages: other apps' demos deliver MY mail too
    Message.objects.filter(recipient__in=persons, subject__in=[WELCOME, ASKING]).delete()
    messages = []
    for person in persons:
        union_id = person.household.union_id
        messages.append(
            Message(
                union_id=union_id,
                recipient=person,
                subject=WELCOME,
                body="KOSMO Webをご利用いただきありがとうございます。\n"
                "お知らせやMYメールは、上部右の「🔔」「✉」から確認できます。",
                sender_label="健康保険組合",
                sent_at=now - dt.timedelta(days=5),
                read_at=now - dt.timedelta(days=4),
            )
        )
        if person.is_insured:
            messages.append(
                Message(
                    union_id=union_id,
                    recipient=person,
                    subject=ASKING,
                    body="ご家族の就職等により扶養から外れる方がいらっしゃる場合は、"
                    "このメッセージにご返信ください。",
                    requires_reply=True,
                    sender_label="健康保険組合 適用担当",
                    sent_at=now - dt.timedelta(days=1),
                )
            )
    Message.objects.bulk_create(messages)
    unread.bump_global()
    return []
