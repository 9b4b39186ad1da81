"""Pure decisions of enforcement: facts in, verdict out; no ORM, no I/O, no clock.

Each detection rule of DOMAIN.md section 6 is decided here for one subject, and by a
set-based query over the whole registry in `enforcement.scans`; the tests hold both to
the same literal expectations. Deadlines follow the rows of `DeadlineRule` (their legal
basis is on each row) and the working-day calendar of `common.calendar`.

Conventions (docs/decisions/0009):
- "Within N working days of D": the N-th working day after D is the last day allowed.
- "Within N days of D" (calendar days): D + N is the last day; if that day is a public
  holiday or a rest day, the first working day after it is (the rule of Chinese procedural
  law for periods in days: 民事诉讼法第八十五条, 行政诉讼法第五十一条).
- A deadline is missed when the act happens on a later date (Beijing time) than the last
  day allowed, or has not happened and the day of the check is later than that day.
- Where several rows apply to one reporter (an enterprise with several roles), the most
  lenient deadline applies.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from batteries.rules import receiver_is_qualified, use_is_prohibited
from common.calendar import WorkingCalendar

WORKING, CALENDAR = "working", "calendar"

RULE_KEYS = (
    "scrapped_pack_not_handed_over",
    "vehicle_scrapped_without_pack",
    "handover_to_unqualified_receiver",
    "handover_not_confirmed",
    "late_reporting",
    "coding_violation",
    "outlet_coverage_gap",
    "prohibited_reuse",
)


# --- Deadlines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """The facts of one deadline row that decide a deadline."""

    id: int | None
    event_kind: str
    reporter_role: str  # "" for any role
    anchor: str  # "" for the event's own occurred-at
    days: int
    unit: str
    valid_from: dt.date
    valid_to: dt.date | None
    unconfirmed: bool = False

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def deadline_due(*, start: dt.date, days: int, unit: str, calendar: WorkingCalendar) -> dt.date:
    """Return the last day allowed for an act due within `days` of `start`."""
    if unit == WORKING:
        return calendar.add_working_days(start, days)
    due = start + dt.timedelta(days=days)
    while not calendar.is_working(due):  # a period in days ending on a rest day is extended
        due += dt.timedelta(days=1)
    return due


def deadline_row_for(
    rows: Iterable[DeadlineRow],
    *,
    event_kind: str,
    roles: Iterable[str],
    anchor: str,
    on: dt.date,
    calendar: WorkingCalendar,
) -> DeadlineRow | None:
    """Return the row that decides the deadline of an act, judged on the day `on`.

    Rows in force on `on`, for this kind and anchor, for any role or one of the reporter's
    roles; of several, the one giving the latest last day (the most lenient).
    """
    roles = set(roles)
    candidates = [
        row
        for row in rows
        if row.event_kind == event_kind
        and row.anchor == anchor
        and (not row.reporter_role or row.reporter_role in roles)
        and row.in_force_on(on)
    ]
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda row: deadline_due(start=on, days=row.days, unit=row.unit, calendar=calendar),
    )


@dataclass(frozen=True)
class DeadlineExplanation:
    start: dt.date
    days: int
    unit: str
    due: dt.date
    days_off: list  # the non-working days between start and due (holidays named)
    extended_from: dt.date | None  # a calendar-day period's last day moved off a rest day
    unofficial_years: list[int]  # years counted by Monday–Friday, schedule not loaded


def deadline_explain(
    *, start: dt.date, days: int, unit: str, calendar: WorkingCalendar
) -> DeadlineExplanation:
    """Return how a deadline was computed, for the case page and the documents."""
    due = deadline_due(start=start, days=days, unit=unit, calendar=calendar)
    plain = start + dt.timedelta(days=days)
    extended = plain if unit == CALENDAR and plain != due else None
    span_days = [start + dt.timedelta(days=n) for n in range((due - start).days + 1)]
    return DeadlineExplanation(
        start=start,
        days=days,
        unit=unit,
        due=due,
        days_off=calendar.days_off_between(start, due),
        extended_from=extended,
        unofficial_years=calendar.unofficial_years(span_days),
    )


def missed(*, due: dt.date, done_on: dt.date | None, today: dt.date) -> bool:
    """Return True if an act due by `due` happened later, or not at all by `today`."""
    if done_on is not None:
        return done_on > due
    return today > due


# --- The detection rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    violation: bool
    cured_on: dt.date | None = None  # a late act: the violation stands, cured that day


def _late_act(*, due: dt.date, done_on: dt.date | None, today: dt.date) -> Verdict:
    if not missed(due=due, done_on=done_on, today=today):
        return Verdict(False)
    return Verdict(True, done_on if done_on is not None and done_on <= today else None)


def scrapped_pack_not_handed_over(
    *, due: dt.date, handed_over_on: dt.date | None, today: dt.date
) -> Verdict:
    """Decide the headline rule for one scrapped vehicle's pack (未按要求交售).

    `handed_over_on`: the first day the pack reached a qualified receiver after the
    scrapping (the giver's handover or, reported first, the receiver's receipt).
    """
    return _late_act(due=due, done_on=handed_over_on, today=today)


def handover_unqualified(*, receiver_roles: Iterable[str], receiver_runs_outlet: bool) -> bool:
    """Return True if a handover went to a receiver Order No. 73 does not allow."""
    return not receiver_is_qualified(frozenset(receiver_roles), receiver_runs_outlet)


def handover_not_confirmed(*, due: dt.date, resolved_on: dt.date | None, today: dt.date) -> Verdict:
    """Decide whether a receiver confirmed or disputed a handover in time."""
    return _late_act(due=due, done_on=resolved_on, today=today)


def confirmation_start(*, handed_over_on: dt.date, handover_reported_on: dt.date) -> dt.date:
    """Return the day the receiver's deadline counts from: it cannot act before it is told."""
    return max(handed_over_on, handover_reported_on)


def dispute_unresolved(*, due: dt.date, settled_on: dt.date | None, today: dt.date) -> Verdict:
    """Decide whether a disputed handover was settled (handed over again) in time."""
    return _late_act(due=due, done_on=settled_on, today=today)


def reported_late(*, due: dt.date, reported_on: dt.date) -> bool:
    """Return True if an event was reported after its reporting deadline."""
    return reported_on > due


def scrapped_without_pack(*, pack_status: str, swap_model: bool) -> bool:
    """Return True if a scrap record shows the vehicle came without (all) its packs.

    车电一体报废: a scrapped NEV handed in without its power battery is an incomplete
    vehicle; battery-swap models are exempt (their packs belong to the swap pool).
    """
    if swap_model or pack_status == "swap_pool":
        return False
    return pack_status in {"missing", "partial"}


def register_vehicle_came_without_pack(
    *, had_bound_pack: bool, bound_at_scrapping: bool, swap_model: bool
) -> bool:
    """Return True if a register VIN's vehicle had a pack that left it before scrapping."""
    return had_bound_pack and not bound_at_scrapping and not swap_model


def coverage_gaps(
    *, sales_areas: Mapping[str, int], covered_areas: Iterable[str]
) -> dict[str, int]:
    """Return area → sales for the areas with sales and no operating outlet of the producer."""
    covered = set(covered_areas)
    return {area: n for area, n in sorted(sales_areas.items()) if n > 0 and area not in covered}


def reuse_prohibited(declared_use: str) -> bool:
    """Return True if a repurposing declares a use in a prohibited field (e.g. e-bikes)."""
    return use_is_prohibited(declared_use)


# --- Case review -------------------------------------------------------------------------------

ASSIGN, CONFIRM, DISMISS = "assign", "confirm", "dismiss"

# (status, action) -> status. The review desk of issue 8; Enforcement II continues from
# "confirmed". Anything not listed is refused.
CASE_TRANSITIONS: dict[tuple[str, str], str] = {
    ("detected", ASSIGN): "under_review",
    ("under_review", ASSIGN): "under_review",  # another official takes the case over
    ("detected", CONFIRM): "confirmed",
    ("under_review", CONFIRM): "confirmed",
    ("detected", DISMISS): "dismissed",
    ("under_review", DISMISS): "dismissed",
}
# Not pursuing a detected violation must be explained (and can be reviewed later).
CASE_REASON_REQUIRED = frozenset({DISMISS})


def case_next_status(*, status: str, action: str) -> str | None:
    """Return the status a review action leads to, or None if it is not allowed."""
    return CASE_TRANSITIONS.get((status, action))


def case_actions_allowed(*, status: str) -> list[str]:
    """Return the review actions allowed from a status, in display order."""
    return [a for a in (ASSIGN, CONFIRM, DISMISS) if (status, a) in CASE_TRANSITIONS]


def may_act_on_case(*, national: bool, actor_province: str, case_province: str) -> bool:
    """Return True if a regulator may act on a case: MIIT anywhere, a province at home."""
    return national or (bool(actor_province) and actor_province == case_province)
