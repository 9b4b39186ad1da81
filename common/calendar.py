"""The working-day calendar of the People's Republic of China, as pure functions.

Statutory deadlines count working days (工作日): Monday to Friday, except public holidays,
plus the make-up working days (调休) the State Council moves onto weekends. The
`chinesecalendar` package carries each year's schedule as published; a year it does not
know falls back to Monday–Friday, and such a day is marked as not official so that every
page using it can say the year's schedule is not loaded. Regulators' overrides (a date,
working or not) win over both.

No ORM and no clock here: the enforcement app passes the overrides in.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache


@cache
def official_years() -> frozenset[int]:
    """Return the years whose holiday schedule the installed package carries."""
    from chinese_calendar import constants

    return frozenset(day.year for day in constants.holidays)


@dataclass(frozen=True)
class DayInfo:
    day: dt.date
    is_working: bool
    official: bool  # False: a year whose official schedule is not loaded (Monday–Friday)
    name: str = ""  # the holiday, the make-up day or the override's reason


# The package names holidays in English; the portal shows the official Chinese names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}


def _package_day(day: dt.date) -> tuple[bool, str]:
    from chinese_calendar import constants

    if day in constants.workdays:
        name = HOLIDAY_NAMES.get(constants.workdays[day], constants.workdays[day])
        return True, f"{name}调休上班"
    if day in constants.holidays:
        return False, HOLIDAY_NAMES.get(constants.holidays[day], constants.holidays[day])
    return day.weekday() < 5, ""


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days from the package, Monday–Friday beyond it, and overrides over both.

    `overrides` maps a date to (is_working, reason); `loaded_years` are years beyond the
    package whose official schedule regulators have entered as overrides.
    """

    overrides: Mapping[dt.date, tuple[bool, str]] = field(default_factory=dict)
    loaded_years: frozenset[int] = frozenset()

    def info(self, day: dt.date) -> DayInfo:
        """Return whether `day` is a working day, whether that is official, and why."""
        official = day.year in official_years() or day.year in self.loaded_years
        if day in self.overrides:
            working, reason = self.overrides[day]
            return DayInfo(day, working, official, reason)
        if day.year in official_years():
            working, name = _package_day(day)
            return DayInfo(day, working, True, name)
        return DayInfo(day, day.weekday() < 5, official)

    def is_working(self, day: dt.date) -> bool:
        return self.info(day).is_working

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """Return the `days`-th working day after `start` (start itself is not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            counted += self.is_working(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Return how many working days fall after `start`, up to and including `end`."""
        if end <= start:
            return 0
        return sum(
            self.is_working(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )

    def days_off_between(self, start: dt.date, end: dt.date) -> list[DayInfo]:
        """Return the non-working days after `start`, up to and including `end`."""
        span = range(1, max((end - start).days, 0) + 1)
        infos = (self.info(start + dt.timedelta(days=n)) for n in span)
        return [info for info in infos if not info.is_working]

    def unofficial_years(self, days: Iterable[dt.date]) -> list[int]:
        """Return the years among `days` whose official schedule is not loaded."""
        return sorted(
            {
                d.year
                for d in days
                if d.year not in official_years() and d.year not in self.loaded_years
            }
        )


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """Return the date `days` calendar days after `start`."""
    return start + dt.timedelta(days=days)


def calendar_rows(
    calendar: WorkingCalendar, first: dt.date, last: dt.date
) -> list[tuple[dt.date, bool, int, bool, str]]:
    """Return (day, is_working, working ordinal, official, name) for every date in the span.

    The ordinal counts working days from `first` up to and including each date, so
    "N working days after D" is the working day whose ordinal is ordinal(D) + N.
    """
    rows, ordinal, day = [], 0, first
    while day <= last:
        info = calendar.info(day)
        ordinal += info.is_working
        rows.append((day, info.is_working, ordinal, info.official, info.name))
        day += dt.timedelta(days=1)
    return rows
