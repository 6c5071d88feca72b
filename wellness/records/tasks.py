from celery import shared_task

# An Apple export of several hundred MB takes minutes on a busy worker: longer limits than the
# project's 300 s default.
IMPORT_TIME_LIMIT = 3600


@shared_task(acks_late=True, time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 60)
def import_health_file(job_id: int) -> str:
    """Import a StepImport's file (the job row says how far it got; see imports.run)."""
    from wellness.records import imports

    return imports.run(job_id)
