"""Celery tasks of the statistics: thin, call one service (queue `scans`)."""

from celery import shared_task


@shared_task(acks_late=True)
def rollups_refresh() -> dict:
    """Apply the events and enforcement changes since the last refresh. Safe to run twice:
    refreshes are serialised by an advisory lock and each event is applied once."""
    from stats.refresh import incremental_refresh

    return incremental_refresh().as_dict()


@shared_task(acks_late=True)
def rollups_rebuild() -> dict:
    """Rebuild every rollup from the registry and the enforcement tables."""
    from stats.refresh import full_rebuild

    return full_rebuild().as_dict()
