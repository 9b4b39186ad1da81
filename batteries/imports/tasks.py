"""The Celery task of the import channel: thin, takes the batch id, calls the service.

Named under `batteries.tasks.` so the route `batteries.tasks.import_*` sends it to the
`imports` queue; `batteries/tasks.py` imports this module so autodiscovery registers it.
"""

from celery import shared_task


@shared_task(name="batteries.tasks.import_run", acks_late=True, ignore_result=True)
def import_run(batch_id: int) -> str:
    """Run one uploaded file. A second delivery of the same batch does nothing."""
    from batteries.imports.services import import_batch_run

    return import_batch_run(batch_id=batch_id)
