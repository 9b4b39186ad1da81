"""Celery tasks of enforcement: thin, call one service."""

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_date


@shared_task(acks_late=True)
def scan_all(as_of: str | None = None) -> dict[str, int]:
    """Run every violation scan as of a day (default today); return new findings per rule.

    Safe to run twice, and on two workers at once (see enforcement.scans).
    """
    from enforcement.scans import scan_run

    day = parse_date(as_of) if as_of else timezone.localdate()
    outcomes = scan_run(as_of=day, started_by="beat")
    return {outcome.run.rule: outcome.run.new for outcome in outcomes}


@shared_task(name="enforcement.tasks.register_import", acks_late=True, ignore_result=True)
def register_import(upload_id: int) -> str:
    """Import one uploaded scrapped-vehicle register file. A second delivery does nothing."""
    from enforcement.services.register import register_upload_run

    return register_upload_run(upload_id=upload_id)
