"""Demo scorecards: the priority lists of the last six months, so /stats/scorecards/ shows
rankings right after `make run` (the monthly beat job would build only the next one)."""

from django.utils import timezone

from stats.scorecard.services import month_of, previous_month, snapshot_build

MONTHS = 6


def seed() -> list[tuple[str, str, str]]:
    month = month_of(timezone.localdate())
    for _ in range(MONTHS):
        month = previous_month(month)
        snapshot_build(month=month)
    return []
