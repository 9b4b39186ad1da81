"""Celery tasks of the digital identity: thin, take ids, call one service."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from batteries.imports.tasks import import_run  # noqa: F401  (registers the import task)

IDEMPOTENCY_RETENTION = timedelta(days=7)


@shared_task
def idempotency_keys_purge() -> int:
    """Delete idempotency keys past their retention window; return how many."""
    from batteries.models import IdempotencyKey

    cutoff = timezone.now() - IDEMPOTENCY_RETENTION
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task
def imports_recover() -> list[int]:
    """Mark imports whose worker stopped mid-file as failed; return their ids."""
    from batteries.imports.services import import_batches_recover

    return import_batches_recover()
