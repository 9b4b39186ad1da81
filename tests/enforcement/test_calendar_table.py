"""The calendar table the scans join, and the overrides that rebuild it."""

import datetime as dt

import pytest

from enforcement.models import CalendarDay, CalendarOverride
from enforcement.services.calendar import calendar_load, calendar_table_rebuild

D = dt.date


@pytest.mark.django_db
def test_the_calendar_table_numbers_working_days_for_one_join():
    rows = {
        day.day: day
        for day in CalendarDay.objects.filter(day__range=(D(2026, 5, 6), D(2026, 5, 26)))
    }
    start = rows[D(2026, 5, 6)]
    due = CalendarDay.objects.get(is_working=True, working_ordinal=start.working_ordinal + 15)
    assert due.day == D(2026, 5, 26)
    assert rows[D(2026, 5, 9)].is_working and rows[D(2026, 5, 9)].name == "劳动节调休上班"


@pytest.mark.django_db
def test_an_override_row_changes_the_calendar_table():
    CalendarOverride.objects.create(day=D(2026, 5, 11), is_working=False, reason="示例")
    calendar_table_rebuild()
    start = CalendarDay.objects.get(day=D(2026, 5, 6))
    due = CalendarDay.objects.get(is_working=True, working_ordinal=start.working_ordinal + 15)
    assert due.day == D(2026, 5, 27)
    assert calendar_load().add_working_days(D(2026, 5, 6), 15) == D(2026, 5, 27)
