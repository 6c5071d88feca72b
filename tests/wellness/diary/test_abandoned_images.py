"""A picture held at 「投稿内容を確認する」 whose post is never sent leaves the store after a
day (the beat's wellness.diary.tasks.purge_abandoned_images), file and row; a picture that
became a post's stays."""

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from wellness.diary import services
from wellness.diary.models import PendingImage
from wellness.diary.tasks import purge_abandoned_images

from .conftest import image_bytes

A_DAY = dt.timedelta(days=1)  # PENDING_IMAGE_LIFETIME, pinned
SECOND = dt.timedelta(seconds=1)


def _held(person, at) -> PendingImage:
    pending = services.hold_image(
        person=person, image=ContentFile(image_bytes(), name="walk.png"), token=uuid.uuid4()
    )
    PendingImage.objects.filter(pk=pending.pk).update(created_at=at)
    return pending


def test_a_held_picture_goes_a_day_after_it_was_held_and_not_a_second_before(taro):
    now = timezone.now()
    young = _held(taro.person, now - A_DAY + SECOND)
    old = _held(taro.person, now - A_DAY)
    storage = old.image.storage

    assert services.purge_abandoned_images(now=now) == 1

    assert list(PendingImage.objects.values_list("pk", flat=True)) == [young.pk]
    assert storage.exists(young.image.name)
    assert not storage.exists(old.image.name)


def test_a_sent_post_keeps_its_picture(taro):
    token = uuid.uuid4()
    services.hold_image(
        person=taro.person, image=ContentFile(image_bytes(), name="walk.png"), token=token
    )
    post, _created = services.create_post(person=taro.person, body="朝の散歩", token=token)
    PendingImage.objects.update(created_at=timezone.now() - 2 * A_DAY)

    assert purge_abandoned_images.delay().get() == 0
    assert post.image.storage.exists(post.image.name)


def test_the_purge_is_scheduled(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "wellness.diary.tasks.purge_abandoned_images" in entries
