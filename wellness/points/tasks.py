"""MYポイント's scheduled jobs (CELERY_BEAT_SCHEDULE): point expiry and the release of held
exchanges. Both are safe to re-run: the ledger's unique (person, source, key) stops a second
expiry on the same day, and a released order is no longer held."""

from celery import shared_task


@shared_task(acks_late=True)
def expire_points() -> int:
    """Write today's expiries (Japan time); returns how many persons lost points."""
    from wellness.points import services

    return services.expire_all()


@shared_task(acks_late=True)
def release_held_exchanges() -> int:
    """Let the exchanges whose hold is over go ahead; returns how many."""
    from wellness.points import services

    return services.release_held()
