"""The working-day calendar: overrides regulators edit, and the table the scans join."""

import datetime as dt

from django.db import connection, transaction

from common.calendar import WorkingCalendar, calendar_rows

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
