"""The Celery task of the exports: thin, takes the job id, calls the service.

Named under `stats.exports.tasks.` so the route sends it to the `exports` queue.
"""

from celery import shared_task


@shared_task(name="stats.exports.tasks.export_run", acks_late=True, ignore_result=True)
def export_run(job_id: int) -> str:
    """Produce one queued export. A second delivery of the same job does nothing."""
    from stats.exports.services import export_job_run

    return export_job_run(job_id=job_id)


@shared_task(name="stats.exports.tasks.exports_recover", ignore_result=True)
def exports_recover() -> list[int]:
    """Mark exports whose worker stopped mid-file as failed; return their ids."""
    from stats.exports.services import export_jobs_recover

    return export_jobs_recover()


@shared_task(name="stats.exports.tasks.exports_purge", ignore_result=True)
def exports_purge() -> list[int]:
    """Delete export files older than EXPORT_RETENTION_DAYS, keep their records; return ids."""
    from stats.exports.services import export_files_purge

    return export_files_purge()
