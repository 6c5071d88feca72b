"""Scheduled work of 歩Fes. (CELERY_BEAT_SCHEDULE "walking-refresh-rankings")."""

from celery import shared_task


@shared_task(acks_late=True)
def refresh_rankings() -> int:
    """Rewrite the ranking snapshot of every event under way or just ended; idempotent (the
    same recorded steps give the same rows). Returns how many events were ranked."""
    from wellness.walking import queries, services
    from wellness.walking.models import WalkingEvent

    ids = services.events_to_rank(queries.today())
    for event in WalkingEvent.objects.filter(pk__in=ids):
        services.refresh_rankings(event=event)
    return len(ids)
