"""Periodic work of the enterprises app (scheduled in config/celery.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def audit_purge() -> int:
    """Delete audit records past AUDIT_RETENTION_DAYS. Safe to run twice."""
    from enterprises.services.audit import audit_purge as purge

    return purge()
