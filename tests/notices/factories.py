import datetime as dt

import factory
from django.utils import timezone

from notices.models import Broadcast, Notice


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"組合からのお知らせ{n}")
    body = "健康保険組合からのお知らせです。"
    publish_from = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    send_email = False


class BroadcastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Broadcast

    subject = "特定健診のご案内"
    body = "今年度の特定健診を受診してください。"
