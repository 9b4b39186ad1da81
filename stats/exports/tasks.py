"""The Celery task of the exports: thin, takes the job id, calls the service.

Named under `stats.exports.tasks.` so the route sends it to the `exports` queue.
"""

from celery import shared_task


@shared_task(name="stats.exports.tasks.export_run", acks_late=True, ignore_result=True)
def export_run(job_id: int) -> str:
    """Produce one queued export. A second delivery of the same job does nothing."""
    from stats.exports.services import export_job_run

    return export_job_run(job_id=job_id)
