"""Scheduled jobs of ミッション (CELERY_BEAT_SCHEDULE): both idempotent, safe to re-run."""

from __future__ import annotations

from celery import shared_task

from wellness.missions import services


@shared_task(acks_late=True)
def compute_monthly_ranks() -> int:
    """This month's ranks from last month's login days (run on the 1st, Japan time)."""
    return services.compute_ranks(services.today())


@shared_task(acks_late=True)
def expire_scratch_cards() -> int:
    """After midnight (Japan time): yesterday's cards and coins are no longer valid."""
    return services.expire_cards(services.today())
