"""健康日記's scheduled job (CELERY_BEAT_SCHEDULE): held pictures of posts never sent leave
the store. Safe to re-run: a removed picture is no longer found."""

from celery import shared_task


@shared_task(acks_late=True)
def purge_abandoned_images() -> int:
    from wellness.diary import services

    return services.purge_abandoned_images()
