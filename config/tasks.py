"""Tasks that belong to the platform itself rather than to a domain app."""

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def heartbeat() -> str:
    """Log that the worker is alive and return the local time it ran at."""
    now = timezone.localtime().isoformat(timespec="seconds")
    logger.info("heartbeat: worker alive at %s", now)
    return now
