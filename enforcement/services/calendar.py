"""The working-day calendar: overrides regulators edit, and the table the scans join."""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction

from common.calendar import WorkingCalendar, calendar_rows

if TYPE_CHECKING:
    from enforcement.models import CalendarOverride, OfficialScheduleYear

# Battery codes start in 2011 (GB/T 34014 year letter `1`); deadlines run a year past the
# last year a code can carry (2036, letter `T`).
FIRST_DAY, LAST_DAY = dt.date(2011, 1, 1), dt.date(2037, 12, 31)


def calendar_load() -> WorkingCalendar:
    """Return the calendar with the regulators' overrides and entered official years."""
    from enforcement.models import CalendarOverride, OfficialScheduleYear

    overrides = {
        o.day: (o.is_working, o.reason)
        for o in CalendarOverride.objects.only("day", "is_working", "reason")
    }
    years = frozenset(OfficialScheduleYear.objects.values_list("year", flat=True))
    return WorkingCalendar(overrides=overrides, loaded_years=years)


@transaction.atomic
def calendar_table_rebuild(calendar: WorkingCalendar | None = None) -> int:
    """Rewrite the calendar table from the package and the overrides; return its row count.

    About 10,000 rows, rewritten whole in one transaction whenever an override or an
    official year changes: the scans then read deadlines with one join.
    """
    calendar = calendar or calendar_load()
    rows = calendar_rows(calendar, FIRST_DAY, LAST_DAY)
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE enforcement_calendarday IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM enforcement_calendarday")
        with cursor.copy(
            "COPY enforcement_calendarday (day, is_working, working_ordinal, official, name) "
            "FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
    return len(rows)


def calendar_table_ensure() -> None:
    """Build the calendar table if it is empty (a fresh database, a test database)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM enforcement_calendarday)")
        if not cursor.fetchone()[0]:
            calendar_table_rebuild()


# --- Regulators' edits: every change rebuilds the table the scans join --------------------------


def _with_history(row, user, reason: str):
    from enforcement.services.legal import history_baseline_ensure

    history_baseline_ensure(type(row), row.pk)
    row._history_user = user
    row._change_reason = reason.strip()[:100] or None
    return row


@transaction.atomic
def calendar_override_save(
    *, override: "CalendarOverride", user, reason: str = ""
) -> "CalendarOverride":
    """Save a working-day override (history: who, when, why) and rebuild the calendar table."""
    override.full_clean()
    _with_history(override, user, reason or override.reason).save()
    calendar_table_rebuild()
    return override


@transaction.atomic
def calendar_override_delete(
    *, overrides: Iterable["CalendarOverride"], user, reason: str = ""
) -> int:
    """Withdraw overrides (the package's value applies again); rebuild the table once."""
    count = 0
    for override in overrides:
        _with_history(override, user, reason).delete()
        count += 1
    if count:
        calendar_table_rebuild()
    return count


@transaction.atomic
def official_year_save(
    *, year: "OfficialScheduleYear", user, reason: str = ""
) -> "OfficialScheduleYear":
    """Record that a year's official schedule has been entered; rebuild the calendar table.

    From then on that year's days count as official: pages stop saying the schedule is
    not loaded.
    """
    year.full_clean()
    _with_history(year, user, reason).save()
    calendar_table_rebuild()
    return year


@transaction.atomic
def official_year_delete(*, years: Iterable["OfficialScheduleYear"], user, reason: str = "") -> int:
    """Mark years as not entered again (Monday–Friday plus overrides); rebuild once."""
    count = 0
    for year in years:
        _with_history(year, user, reason).delete()
        count += 1
    if count:
        calendar_table_rebuild()
    return count
