from celery import shared_task

from kosmo.storage import StoreUnavailable

# An Apple export of several hundred MB takes minutes on a busy worker: longer limits than the
# project's 300 s default.
IMPORT_TIME_LIMIT = 3600


@shared_task(
    acks_late=True,
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 60,
    # The file store unreachable: the job stays unfinished and is read again from the start.
    autoretry_for=(StoreUnavailable,),
    retry_backoff=30,
    max_retries=8,
)
def import_health_file(job_id: int) -> str:
    """Import a StepImport's file (the job row says how far it got; see imports.run)."""
    from wellness.records import imports

    return imports.run(job_id)
