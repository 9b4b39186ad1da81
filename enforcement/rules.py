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


# --- The sanction ladder (Enforcement II) ---------------------------------------------------
# Administrative Penalty Law (行政处罚法, 2021 revision), cited per decision below; its
# periods and rates are `ProcedureRule` rows, passed in here as plain numbers.

ORDER, RESPOND, RETURN, ACCEPT, CLOSE = "order", "respond", "return", "accept", "close"
LAPSE, WARN, NOTICE, DEFEND, HEAR = "lapse", "warn", "notice", "defend", "hear"
DECIDE, PAY, SETTLE, REVOKE = "decide", "pay", "settle", "revoke"

CASE_TRANSITIONS.update(
    {
        # A confirmed case gets a correction order (责令限期改正通知书) with a deadline.
        ("confirmed", ORDER): "ordered",
        # The enterprise answers with a rectification statement; the official returns it
        # (the enterprise may answer again while the deadline runs) or accepts it.
        ("ordered", RESPOND): "ordered",
        ("warned", RESPOND): "warned",
        ("ordered", RETURN): "ordered",
        ("warned", RETURN): "warned",
        ("ordered", ACCEPT): "rectified",
        ("warned", ACCEPT): "rectified",
        ("rectified", CLOSE): "closed",
        # The re-check at the deadline (the beat job, no person): not corrected → overdue,
        # with the next rung proposed for an official to confirm.
        ("ordered", LAPSE): "overdue",
        ("warned", LAPSE): "overdue",
        ("rectified", LAPSE): "overdue",
        # Overdue: a warning (with a new correction deadline), or the notice of the
        # intended fine (行政处罚事先告知书, art. 44); or close with a reason.
        ("overdue", WARN): "warned",
        ("overdue", NOTICE): "notice_served",
        ("overdue", CLOSE): "closed",
        # The party states its case or asks for a hearing (art. 45, 63–64); the official
        # records the hearing, then decides (art. 57, 59) or drops the penalty.
        ("notice_served", DEFEND): "notice_served",
        ("notice_served", HEAR): "notice_served",
        ("notice_served", DECIDE): "decided",
        ("notice_served", CLOSE): "closed",
        # Payments add up (art. 67); the fine and any surcharge paid in full closes the case.
        ("decided", PAY): "decided",
        ("decided", SETTLE): "closed",
    }
)

# Not pursuing the next rung, or sending a statement back, must be explained.
LADDER_REASON_REQUIRED = frozenset(
    {
        ("ordered", RETURN),
        ("warned", RETURN),
        ("overdue", CLOSE),
        ("notice_served", CLOSE),
    }
)
ENTERPRISE_ACTIONS = frozenset({RESPOND, DEFEND})
SYSTEM_ACTIONS = frozenset({LAPSE, SETTLE})

# Statuses in which a deadline runs against the enterprise (case.due_on).
RESPONSE_STATUSES = ("ordered", "warned")
# Rules whose findings the scans mark cured when the act is done (late) or the gap closes;
# the others are past facts (a late report stays late) that only a rectification answers.
CURED_BY_DATA = frozenset(
    {
        "scrapped_pack_not_handed_over",
        "handover_to_unqualified_receiver",
        "handover_not_confirmed",
        "outlet_coverage_gap",
    }
)


def ladder_reason_required(*, status: str, action: str) -> bool:
    """Return True if an action from this status must carry a reason."""
    return (status, action) in LADDER_REASON_REQUIRED


def ladder_actions(
    *,
    status: str,
    proposal: str = "",
    response_pending: bool = False,
    hearing_requested: bool = False,
    hearing_recorded: bool = False,
) -> list[str]:
    """Return the ladder actions an official may take from a status, in display order."""
    if status == "confirmed":
        return [ORDER]
    if status in RESPONSE_STATUSES:
        return [ACCEPT, RETURN] if response_pending else []
    if status == "rectified":
        return [CLOSE]
    if status == "overdue":
        return [proposal if proposal in (WARN, NOTICE) else NOTICE, CLOSE]
    if status == "notice_served":
        return ([HEAR] if hearing_requested and not hearing_recorded else []) + [DECIDE, CLOSE]
    if status == "decided":
        return [PAY]
    return []


def next_rung(*, warning_step: bool, warned: bool) -> str:
    """Return the rung an overdue case is proposed for: a warning first if the schedule
    says so and none was given, else the notice of the intended fine."""
    return WARN if warning_step and not warned else NOTICE


def recheck_verdict(*, rule: str, rectification_accepted: bool, findings_open: int) -> str:
    """Decide a case at its deadline: CLOSE is offered to the official, or the case LAPSEs.

    Cured (no finding of a rule the data can cure still open as of the deadline) and the
    rectification accepted: offer to close. Anything else: overdue.
    """
    cured = rule not in CURED_BY_DATA or findings_open == 0
    return CLOSE if rectification_accepted and cured else LAPSE


def response_refusal(
    *, status: str, response_pending: bool, due: dt.date | None, today: dt.date
) -> str | None:
    """Return why a rectification statement cannot be submitted now, or None."""
    if status not in RESPONSE_STATUSES:
        return "response.not_expected"
    if response_pending:
        return "response.pending"
    if due is not None and today > due:
        return "response.late"
    return None


def hearing_available(*, amount_yuan: int, threshold_yuan: int) -> bool:
    """Return True if the intended fine is large enough for a hearing (较大数额罚款, art. 63)."""
    return amount_yuan >= threshold_yuan


def defence_refusal(
    *,
    status: str,
    period_ends: dt.date | None,
    today: dt.date,
    hearing: bool,
    hearing_offered: bool,
    hearing_already_requested: bool,
) -> str | None:
    """Return why a statement or hearing request cannot be submitted now, or None.

    A hearing must be requested within the period after the notice (art. 64(一)).
    """
    if status != "notice_served":
        return "defence.not_expected"
    if period_ends is not None and today > period_ends:
        return "defence.late"
    if hearing and not hearing_offered:
        return "defence.no_hearing"
    if hearing and hearing_already_requested:
        return "defence.hearing_requested"
    return None


def fine_amount_refusal(
    *, amount_yuan: int, low: int, high: int, notified: int | None = None
) -> str | None:
    """Return why a fine amount cannot be notified or decided, or None.

    Within the schedule's range; never above the amount notified, because the authority
    may not raise the penalty for the party's defence (art. 45).
    """
    if amount_yuan < low or amount_yuan > high:
        return "fine.out_of_range"
    if notified is not None and amount_yuan > notified:
        return "fine.above_notice"
    return None


def decision_refusal(
    *, period_ends: dt.date, today: dt.date, hearing_requested: bool, hearing_recorded: bool
) -> str | None:
    """Return why the fine cannot be decided yet, or None.

    Not before the period to state a case and ask for a hearing has ended (art. 44–45,
    62: a decision without hearing the party does not stand), nor before a requested
    hearing has been held and recorded (art. 65).
    """
    if today <= period_ends:
        return "decision.defence_period"
    if hearing_requested and not hearing_recorded:
        return "decision.hearing"
    return None


@dataclass(frozen=True)
class FineBalance:
    fine_fen: int
    surcharge_fen: int  # accrued by the day asked about (art. 72: 3 % a day, ≤ the fine)
    paid_fen: int
    principal_paid_fen: int
    days_late: int  # days after the due day on which the fine was (partly) unpaid
    outstanding_fen: int

    @property
    def settled(self) -> bool:
        return self.outstanding_fen == 0


def fine_balance(
    *,
    fine_fen: int,
    due: dt.date,
    payments: Iterable[tuple[dt.date, int]],
    on: dt.date,
    rate_bp: int,
) -> FineBalance:
    """Return what is owed on a fine on day `on`, its late surcharge accrued and paid.

    Art. 72(一): from the day after the due day, each day the fine is not paid adds
    `rate_bp` basis points (300 = 3 %) of the unpaid fine, in total never more than the
    fine itself. A payment counts at the end of its day (that day still accrues) and goes
    to the fine first, then to the surcharge. Amounts in fen, rounded down (for the party).
    """
    ordered = sorted((day, fen) for day, fen in payments if day <= on)
    principal_left, surcharge, paid, late_days, i = fine_fen, 0, 0, 0, 0

    def pay_until(day: dt.date) -> None:
        nonlocal principal_left, paid, i
        while i < len(ordered) and ordered[i][0] <= day:
            paid += ordered[i][1]
            principal_left = max(fine_fen - paid, 0)
            i += 1

    pay_until(due)
    day = due
    while day < on and principal_left > 0:
        day += dt.timedelta(days=1)
        late_days += 1
        surcharge += min(principal_left * rate_bp // 10_000, fine_fen - surcharge)
        pay_until(day)
    pay_until(on)
    return FineBalance(
        fine_fen=fine_fen,
        surcharge_fen=surcharge,
        paid_fen=paid,
        principal_paid_fen=min(paid, fine_fen),
        days_late=late_days,
        outstanding_fen=max(fine_fen + surcharge - paid, 0),
    )


def working_days_left(*, today: dt.date, due: dt.date, calendar: WorkingCalendar) -> int:
    """Return the working days left to act: today (if working) through `due`; 0 once past."""
    if today > due:
        return 0
    return calendar.working_days_between(today - dt.timedelta(days=1), due)


def reminder_due(*, today: dt.date, due: dt.date, calendar: WorkingCalendar, lead: int) -> bool:
    """Return True once a deadline is `lead` working days away or closer, until it passes."""
    return today <= due and calendar.working_days_between(today, due) <= lead


def document_number(*, prefix: str, kind_code: str, year: int, sequence: int) -> str:
    """Return an official document number: 工信改〔2026〕15号, 苏工信罚〔2026〕3号."""
    return f"{prefix}{kind_code}〔{year}〕{sequence}号"


def may_read_document(
    *,
    national: bool,
    actor_province: str,
    actor_enterprise_id: int | None,
    case_province: str,
    addressee_id: int,
) -> bool:
    """Return True if a user may download a document: regulators in scope, the addressee."""
    if national or (actor_province and actor_province == case_province):
        return True
    return actor_enterprise_id is not None and actor_enterprise_id == addressee_id
