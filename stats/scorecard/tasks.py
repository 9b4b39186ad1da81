"""Celery tasks of the scorecards: thin, call one service (queue "scans": set-based SQL)."""

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_date


@shared_task(name="stats.scorecard.tasks.scorecard_monthly", acks_late=True, queue="scans")
def scorecard_monthly(month: str | None = None) -> int:
    """Build the snapshot of a month (YYYY-MM-DD, any day of it; default: the month just
    ended). Safe to run twice, and on two workers at once."""
    from stats.scorecard.services import month_of, previous_month, snapshot_build

    day = parse_date(month) if month else None
    target = month_of(day) if day else previous_month(timezone.localdate())
    return snapshot_build(month=target)
