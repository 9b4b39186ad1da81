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


@shared_task(
    name="enforcement.tasks.document_render",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def document_render(document_id: int) -> str:
    """Render one issued document's PDF (documents queue). A second delivery keeps the first."""
    from enforcement.documents.services import document_render_run

    return document_render_run(document_id=document_id)


@shared_task(name="enforcement.tasks.inbox_email", acks_late=True, ignore_result=True)
def inbox_email(message_id: int) -> int:
    """Email one inbox message to the enterprise's administrators."""
    from enforcement.inbox.services import inbox_email_send

    return inbox_email_send(message_id=message_id)


@shared_task(name="enforcement.tasks.case_deadlines_check", acks_late=True)
def case_deadlines_check(today: str | None = None) -> dict[str, int]:
    """Re-check the cases whose deadline has passed, propose the next rung, send reminders.

    Safe to run twice, and on two workers at once (each case is claimed by a conditional
    UPDATE); proposes only: an official confirms every sanction.
    """
    from enforcement.sanctions.recheck import deadlines_check

    day = parse_date(today) if today else timezone.localdate()
    return deadlines_check(today=day)
