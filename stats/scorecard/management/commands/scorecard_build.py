"""Build a month's scorecard snapshot by hand: `manage.py scorecard_build --month 2026-11`."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stats.scorecard.services import previous_month, snapshot_build


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CommandError(f"--month: not a month in YYYY-MM: {text!r}") from None


class Command(BaseCommand):
    help = (
        "Build the compliance scorecard snapshot and the inspection priority ranking of a "
        "month (default: the month just ended, Beijing time). Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", type=_month, default=None, help="YYYY-MM")

    def handle(self, *args, month, **options):
        month = month or previous_month(timezone.localdate())
        started = time.monotonic()
        rows = snapshot_build(month=month)
        self.stdout.write(
            f"{month:%Y-%m}: {rows} enterprises scored in {time.monotonic() - started:.2f} s"
        )
