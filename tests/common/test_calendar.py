"""The working-day calendar: the State Council's 2026 schedule, the fallback, overrides.

Expected dates are counted by hand from the published 2026 schedule (国办发明电〔2025〕
holiday notice, as carried by the chinesecalendar package): Spring Festival 15–23 February
off, Saturdays 14 and 28 February worked; Qingming 4–6 April off; Labour Day 1–5 May off,
Saturday 9 May worked; Dragon Boat 19–21 June off; Mid-Autumn 25–27 September and National
Day 1–7 October off, Sunday 20 September and Saturday 10 October worked.
"""

import datetime as dt

import pytest

from common.calendar import (
    DayInfo,
    WorkingCalendar,
    add_calendar_days,
    calendar_rows,
    official_years,
)
from enforcement.rules import deadline_due, deadline_explain

D = dt.date
PLAIN = WorkingCalendar()


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 2, 13), True),  # Friday before the Spring Festival
        (D(2026, 2, 14), True),  # Saturday, make-up working day
        (D(2026, 2, 16), False),  # Monday in the Spring Festival holiday
        (D(2026, 2, 23), False),  # last day of the holiday
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, make-up working day
        (D(2026, 4, 6), False),  # Qingming (Monday)
        (D(2026, 5, 1), False),
        (D(2026, 5, 5), False),
        (D(2026, 5, 9), True),  # Saturday, make-up working day
        (D(2026, 5, 10), False),  # an ordinary Sunday
        (D(2026, 9, 20), True),  # Sunday, make-up working day
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, make-up working day
    ],
)
def test_it_follows_the_2026_schedule(day, working):
    assert PLAIN.is_working(day) is working


@pytest.mark.parametrize(
    "start, days, due",
    [
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # the make-up Saturday counts
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # nine days off in between
        (D(2026, 2, 10), 15, D(2026, 3, 9)),  # across the holiday and both Saturdays
        (D(2026, 5, 6), 15, D(2026, 5, 26)),  # 9 May counts
        (D(2026, 4, 30), 1, D(2026, 5, 6)),
        (D(2026, 9, 24), 15, D(2026, 10, 22)),  # Mid-Autumn, National Day, 10 October
        (D(2026, 3, 31), 30, D(2026, 5, 15)),  # Qingming and Labour Day
    ],
)
def test_it_counts_working_days_after_the_start(start, days, due):
    assert PLAIN.add_working_days(start, days) == due


def test_it_counts_working_days_between_two_dates():
    # 14 Feb (Saturday worked) and 24–27 Feb: five working days after 13 Feb up to 27 Feb.
    assert PLAIN.working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5
    assert PLAIN.working_days_between(D(2026, 5, 1), D(2026, 5, 1)) == 0


def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday():
    info = PLAIN.info(D(2027, 1, 1))  # a Friday: New Year's Day, but not loaded
    assert info.is_working is True and info.official is False
    assert PLAIN.add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 4)
    explanation = deadline_explain(start=D(2026, 12, 30), days=3, unit="working", calendar=PLAIN)
    assert explanation.unofficial_years == [2027]


def test_an_override_wins_over_the_package():
    calendar = WorkingCalendar(overrides={D(2026, 5, 11): (False, "示例：临时休息")})
    assert calendar.add_working_days(D(2026, 5, 6), 15) == D(2026, 5, 27)
    worked = WorkingCalendar(overrides={D(2026, 5, 10): (True, "示例：周日上班")})
    assert worked.add_working_days(D(2026, 5, 6), 15) == D(2026, 5, 25)


def test_a_calendar_day_period_ending_on_a_rest_day_is_extended():
    # 1 June + 20 days = 21 June, the Dragon Boat holiday: extended to Monday 22 June.
    assert deadline_due(start=D(2026, 6, 1), days=20, unit="calendar", calendar=PLAIN) == D(
        2026, 6, 22
    )
    # 1 April + 30 days = 1 May, Labour Day: the first working day after is 6 May.
    explanation = deadline_explain(start=D(2026, 4, 1), days=30, unit="calendar", calendar=PLAIN)
    assert (explanation.due, explanation.extended_from) == (D(2026, 5, 6), D(2026, 5, 1))
    # 5 June + 20 days = 25 June, a Thursday: not moved.
    assert deadline_due(start=D(2026, 6, 5), days=20, unit="calendar", calendar=PLAIN) == D(
        2026, 6, 25
    )


def test_the_explanation_names_the_holidays_counted():
    explanation = deadline_explain(start=D(2026, 4, 28), days=5, unit="working", calendar=PLAIN)
    assert explanation.due == D(2026, 5, 8)  # 29, 30 April, 6, 7, 8 May; 9 May is after
    names = {info.day: info.name for info in explanation.days_off}
    assert names[D(2026, 5, 1)] == "劳动节"
    assert D(2026, 5, 9) not in names


def test_each_day_says_why_it_is_or_is_not_worked():
    assert PLAIN.info(D(2026, 2, 16)) == DayInfo(D(2026, 2, 16), False, True, "春节")
    assert PLAIN.info(D(2026, 2, 14)) == DayInfo(D(2026, 2, 14), True, True, "春节调休上班")
    assert PLAIN.info(D(2026, 5, 10)) == DayInfo(D(2026, 5, 10), False, True, "")
    assert PLAIN.info(D(2026, 5, 11)) == DayInfo(D(2026, 5, 11), True, True, "")
    assert PLAIN.info(D(2027, 1, 2)) == DayInfo(D(2027, 1, 2), False, False, "")
    overridden = WorkingCalendar(overrides={D(2026, 5, 11): (False, "示例")})
    assert overridden.info(D(2026, 5, 11)) == DayInfo(D(2026, 5, 11), False, True, "示例")


def test_a_year_entered_by_regulators_counts_as_official():
    calendar = WorkingCalendar(
        overrides={D(2027, 1, 1): (False, "元旦")}, loaded_years=frozenset({2027})
    )
    assert calendar.info(D(2027, 1, 1)) == DayInfo(D(2027, 1, 1), False, True, "元旦")
    assert calendar.info(D(2027, 1, 4)).official is True
    assert calendar.unofficial_years([D(2027, 3, 1), D(2028, 1, 3)]) == [2028]
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_zero_working_days_is_the_start_and_a_negative_count_is_refused():
    assert PLAIN.add_working_days(D(2026, 5, 1), 0) == D(2026, 5, 1)
    with pytest.raises(ValueError):
        PLAIN.add_working_days(D(2026, 5, 1), -1)


def test_days_off_between_lists_the_rest_days_after_the_start_up_to_the_end():
    days = [info.day for info in PLAIN.days_off_between(D(2026, 4, 30), D(2026, 5, 6))]
    assert days == [D(2026, 5, d) for d in (1, 2, 3, 4, 5)]
    assert PLAIN.days_off_between(D(2026, 5, 6), D(2026, 5, 6)) == []
    assert PLAIN.working_days_between(D(2026, 5, 8), D(2026, 5, 11)) == 2  # 9 and 11 May


def test_the_calendar_rows_number_working_days_from_the_first_day():
    rows = calendar_rows(PLAIN, D(2026, 5, 8), D(2026, 5, 11))
    assert rows == [
        (D(2026, 5, 8), True, 1, True, ""),
        (D(2026, 5, 9), True, 2, True, "劳动节调休上班"),
        (D(2026, 5, 10), False, 2, True, ""),
        (D(2026, 5, 11), True, 3, True, ""),
    ]


def test_calendar_days_are_plain_arithmetic():
    assert add_calendar_days(D(2026, 2, 20), 10) == D(2026, 3, 2)


def test_the_package_knows_the_years_up_to_2026():
    assert {2025, 2026} <= official_years() and 2027 not in official_years()


def test_days_off_between_leaves_out_the_start_and_a_reversed_span():
    days = [info.day for info in PLAIN.days_off_between(D(2026, 5, 1), D(2026, 5, 6))]
    assert days == [D(2026, 5, d) for d in (2, 3, 4, 5)]
    assert PLAIN.days_off_between(D(2026, 5, 6), D(2026, 5, 1)) == []


def test_a_negative_count_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="must not be negative"):
        PLAIN.add_working_days(D(2026, 5, 1), -3)


def test_days_off_between_ends_on_the_end_day():
    assert PLAIN.days_off_between(D(2026, 4, 28), D(2026, 4, 30)) == []  # 1 May is after
    assert PLAIN.days_off_between(D(2026, 5, 1), D(2026, 4, 30)) == []  # reversed: nothing
