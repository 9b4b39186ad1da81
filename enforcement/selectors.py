"""Reads of the review desk, always scoped to the caller.

Every read starts from `Case.objects.scoped_for(user)` or `Finding.objects.scoped_for(user)`:
a national regulator sees every case, a provincial regulator the cases of enterprises in
its province, an enterprise user its own enterprise's cases only.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from batteries.models import Battery, EventKind, LifecycleEvent
from batteries.web.pagination import KeysetPage, keyset_page
from common.calendar import DayInfo, WorkingCalendar
from common.identifiers import normalize_uscc
from enforcement import display
from enforcement.documents.models import Document, DocumentKind
from enforcement.models import Case, CaseStep, DeadlineRule, Finding, PenaltyRule, ScanRun
from enforcement.rules import DeadlineExplanation, deadline_explain, may_act_on_case
from enforcement.services.calendar import calendar_load
from enterprises.models import User
from enterprises.scoping import scope_of

OPEN = list(Case.OPEN_STATUSES)

# The work queues. Regulators: new (detected, nobody took it yet), assigned to me, every
# open case of the scope, confirmed, dismissed. Enterprises: all their cases, or by outcome.
NEW, MINE, OPEN_ALL, CONFIRMED, DISMISSED, ALL = (
    "new",
    "mine",
    "open",
    "confirmed",
    "dismissed",
    "all",
)
REGULATOR_QUEUES = (NEW, MINE, OPEN_ALL, CONFIRMED, DISMISSED)
ENTERPRISE_QUEUES = (ALL, OPEN_ALL, CONFIRMED, DISMISSED)
# The sanction ladder's queues (Enforcement II). Regulators: orders awaiting the
# enterprise's response, responses to review, overdue cases (the re-check's proposals),
# notices whose defence period has ended, fines unpaid, closed. Enterprises: what they
# must do now (respond, state their case, pay), and closed.
AWAITING, TO_REVIEW, OVERDUE, DEFENCE_ENDED, UNPAID, CLOSED, TODO = (
    "awaiting_response",
    "to_review",
    "overdue",
    "defence_ended",
    "unpaid",
    "closed",
    "todo",
)
LADDER_REGULATOR_QUEUES = (AWAITING, TO_REVIEW, OVERDUE, DEFENCE_ENDED, UNPAID, CLOSED)
LADDER_ENTERPRISE_QUEUES = (TODO, CLOSED)
RESPONSE = ("ordered", "warned")


def case_queues(*, user) -> tuple[str, ...]:
    """Return the review queues the user works with, in display order."""
    return REGULATOR_QUEUES if user.is_regulator else ENTERPRISE_QUEUES


def case_ladder_queues(*, user) -> tuple[str, ...]:
    """Return the sanction-ladder queues the user works with, in display order."""
    return LADDER_REGULATOR_QUEUES if user.is_regulator else LADDER_ENTERPRISE_QUEUES


def _queue_q(queue: str, user, today: dt.date | None = None) -> Q:
    today = today or timezone.localdate()
    return {
        NEW: Q(status=Case.Status.DETECTED, assigned_to__isnull=True),
        MINE: Q(assigned_to_id=user.pk, status__in=OPEN),
        OPEN_ALL: Q(status__in=OPEN),
        CONFIRMED: Q(status=Case.Status.CONFIRMED),
        DISMISSED: Q(status=Case.Status.DISMISSED),
        ALL: Q(),
        AWAITING: Q(status__in=RESPONSE, response_pending=False),
        TO_REVIEW: Q(status__in=RESPONSE, response_pending=True),
        OVERDUE: Q(status=Case.Status.OVERDUE),
        DEFENCE_ENDED: Q(status=Case.Status.NOTICE_SERVED, due_on__lt=today),
        UNPAID: Q(status=Case.Status.DECIDED),
        CLOSED: Q(status=Case.Status.CLOSED),
        TODO: (
            Q(status__in=RESPONSE, response_pending=False, due_on__gte=today)
            | Q(status=Case.Status.NOTICE_SERVED, due_on__gte=today)
            | Q(status=Case.Status.DECIDED)
        ),
    }[queue]


def case_queue_counts(*, user) -> dict[str, int]:
    """Return the number of cases in each of the user's review queues, in one query."""
    return desk_counts(user=user)[0]


def desk_counts(*, user) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Return (review queue counts, ladder queue counts, fine totals in fen), one query.

    The totals: fines decided (the live decisions' amounts) and paid (fine and surcharge).
    """
    queues, ladder = case_queues(user=user), case_ladder_queues(user=user)
    today = timezone.localdate()
    counts = Case.objects.scoped_for(user).aggregate(
        **{q: Count("pk", filter=_queue_q(q, user, today)) for q in (*queues, *ladder)},
        fined_fen=Sum("fine_fen"),
        paid_fen=Sum("paid_fen"),
    )
    return (
        {q: counts[q] or 0 for q in queues},
        {q: counts[q] or 0 for q in ladder},
        {"fined_fen": counts["fined_fen"] or 0, "paid_fen": counts["paid_fen"] or 0},
    )


def _beijing_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def case_list(*, user, queue: str, filters: Mapping | None = None) -> QuerySet[Case]:
    """Return the user's cases in one queue, filtered, newest first.

    `filters` holds the cleaned values of the desk's filter form: rule, province,
    enterprise (a name fragment or the start of a USCC), status, and the detected dates
    from/to (Beijing dates, both included).
    """
    if queue not in (*case_queues(user=user), *case_ladder_queues(user=user), ALL):
        queue = case_queues(user=user)[0]
    filters = filters or {}
    cases = Case.objects.scoped_for(user).filter(_queue_q(queue, user))
    if filters.get("rule"):
        cases = cases.filter(rule=filters["rule"])
    if filters.get("province"):
        cases = cases.filter(province=filters["province"])
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if term := (filters.get("enterprise") or "").strip():
        by_uscc = normalize_uscc(term)
        match = Q(enterprise__name__icontains=term)
        if by_uscc:
            match |= Q(enterprise__uscc__startswith=by_uscc)
        cases = cases.filter(match)
    if filters.get("detected_from"):
        cases = cases.filter(opened_at__gte=_beijing_midnight(filters["detected_from"]))
    if filters.get("detected_to"):
        next_day = filters["detected_to"] + dt.timedelta(days=1)
        cases = cases.filter(opened_at__lt=_beijing_midnight(next_day))
    if month := filters.get("fine_month"):
        cases = cases.filter(_fine_decided_in(month))
    return cases.select_related("enterprise", "assigned_to").order_by("-pk")


def _fine_decided_in(month: dt.date) -> Exists:
    """Match cases whose live (not revoked) fine decision was issued in the month."""
    start = _beijing_midnight(month.replace(day=1))
    end = _beijing_midnight((month.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    return Exists(
        Document.objects.filter(
            case_id=OuterRef("pk"),
            kind=DocumentKind.FINE_DECISION,
            revoked_at__isnull=True,
            issued_at__gte=start,
            issued_at__lt=end,
        )
    )


COUNT_CAP = 10_000  # the queue shows "10000+" beyond: a page never counts millions


def case_finding_counts(*, cases: Iterable[Case]) -> dict[int, int]:
    """Return case id → number of findings (at most COUNT_CAP + 1), for one page of cases.

    One query; each case's count stops after COUNT_CAP + 1 rows of the case index, so a
    page of cases holding 50,000 findings each costs no more than one of small cases.
    """
    ids = [case.pk for case in cases]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.id, (SELECT count(*) FROM (
                SELECT 1 FROM enforcement_finding f WHERE f.case_id = c.id LIMIT %s) capped)
            FROM unnest(%s::bigint[]) AS c(id)
            """,
            [COUNT_CAP + 1, ids],
        )
        return dict(cursor.fetchall())


def case_get(*, user, pk: int) -> Case:
    """Return one case the user may read; raise Case.DoesNotExist if hidden or unknown."""
    return Case.objects.scoped_for(user).select_related("enterprise", "assigned_to").get(pk=pk)


def cases_for_action(*, user, pks: Iterable[int]) -> list[Case]:
    """Return the cases among `pks` the user may read, in the order given."""
    wanted = list(dict.fromkeys(pks))
    found = Case.objects.scoped_for(user).select_related("enterprise").in_bulk(wanted)
    return [found[pk] for pk in wanted if pk in found]


def case_steps(*, case: Case) -> QuerySet[CaseStep]:
    """Return the case's history, oldest first: scans' filings and officials' decisions."""
    return case.steps.select_related("actor", "actor__enterprise").order_by("at", "pk")


def case_may_act(*, user, case: Case) -> bool:
    """Return True if the user is a regulator who may act on this case."""
    scope = scope_of(user)
    return bool(user.is_regulator) and may_act_on_case(
        national=scope.national, actor_province=scope.province, case_province=case.province
    )


def case_assignees(*, user, case: Case) -> QuerySet[User] | None:
    """Return the officials a national regulator may assign the case to; None for others.

    Officials who may act on the case: MIIT's, and those of the case's province.
    """
    if not scope_of(user).national:
        return None
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(kind=User.Kind.NATIONAL_REGULATOR)
            | Q(kind=User.Kind.PROVINCIAL_REGULATOR, province=case.province)
        )
        .order_by("kind", "username")
    )


# --- The legal basis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalBasisView:
    deadline_rules: list[DeadlineRule]
    penalty: PenaltyRule | None
    penalty_day: dt.date


def case_legal_basis(*, case: Case) -> LegalBasisView:
    """Return the deadline rows the case's findings were judged by, and its penalty row.

    The penalty row is the one in force on the day the case was detected (Beijing date).
    """
    used = Finding.objects.filter(case=case, deadline_rule__isnull=False).values("deadline_rule_id")
    rules = list(DeadlineRule.objects.filter(pk__in=used).order_by("valid_from", "pk"))
    day = case.opened_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    penalty = (
        PenaltyRule.objects.filter(rule=case.rule, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .first()
    )
    return LegalBasisView(rules, penalty, day)


# --- Findings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceEvent:
    pk: int
    code: str
    seq: int
    kind: str
    kind_label: str
    occurred_at: dt.datetime
    linked: bool  # the user may open the pack page


@dataclass
class FindingRow:
    finding: Finding
    subject_label: str = ""
    subject_linked: bool = False
    evidence: list[EvidenceEvent] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    explanation: DeadlineExplanation | None = None
    make_up_days: list[DayInfo] = field(default_factory=list)
    deadline_text: str = ""
    notice: str = ""  # the years of the span whose official schedule is not loaded

    @property
    def recomputed_differs(self) -> bool:
        """True if today's calendar gives another last day than the scan recorded."""
        e, f = self.explanation, self.finding
        return bool(e and f.deadline and e.due != f.deadline)


def case_findings(
    *, case: Case, after: int | None = None, before: int | None = None, size: int = 50
) -> KeysetPage:
    """Return one page of the case's findings, newest first (keyset: never counted).

    A case can hold tens of thousands of findings, the table millions: the (case, id)
    index `finding_case_id` reads one page of this case's rows in key order, whatever the
    size of the case or of the table.
    """
    findings = Finding.objects.filter(case=case).select_related("deadline_rule")
    return keyset_page(findings, after=after, before=before, size=size)


def _visible_codes(user, codes: set[str]) -> set[str]:
    if not codes:
        return set()
    visible = Battery.objects.scoped_for(user).filter(code__in=codes)
    return set(visible.values_list("code", flat=True))


def _make_up_days(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> list[DayInfo]:
    span = (start + dt.timedelta(days=n) for n in range(1, max((end - start).days, 0) + 1))
    return [
        info for info in map(calendar.info, span) if info.is_working and info.day.weekday() >= 5
    ]


def finding_rows(
    *, user, findings: Iterable[Finding], calendar: WorkingCalendar | None = None
) -> list[FindingRow]:
    """Return the findings of a page with their evidence and how each deadline was computed.

    Constant queries per page: one for the evidence events, one for which packs the user
    may open, and the calendar (loaded once, only if a deadline needs it; pass it in to
    share it across a request).
    """
    rows = [FindingRow(finding) for finding in findings]
    ids = {pk for row in rows for pk in row.finding.evidence}
    events = (
        LifecycleEvent.objects.filter(pk__in=ids).values_list(
            "pk", "battery__code", "seq", "kind", "occurred_at"
        )
        if ids
        else []
    )
    by_id = {pk: (code, seq, kind, at) for pk, code, seq, kind, at in events}
    subjects = {row.finding.subject for row in rows if row.finding.battery_id}
    visible = _visible_codes(user, subjects | {code for code, *_ in by_id.values()})
    labels = dict(EventKind.choices)
    for row in rows:
        finding = row.finding
        row.subject_label = display.subject_label(finding)
        row.subject_linked = bool(finding.battery_id) and finding.subject in visible
        row.facts = display.finding_facts(finding)
        for pk in finding.evidence:
            if pk in by_id:
                code, seq, kind, at = by_id[pk]
                row.evidence.append(
                    EvidenceEvent(pk, code, seq, kind, labels.get(kind, kind), at, code in visible)
                )
        rule = finding.deadline_rule
        if rule is not None and finding.anchor_date is not None:
            calendar = calendar or calendar_load()
            row.explanation = deadline_explain(
                start=finding.anchor_date, days=rule.days, unit=rule.unit, calendar=calendar
            )
            if rule.unit == DeadlineRule.Unit.WORKING:
                row.make_up_days = _make_up_days(calendar, finding.anchor_date, row.explanation.due)
            row.deadline_text = display.deadline_text(
                row.explanation, anchor=rule.anchor, make_up_days=row.make_up_days
            )
            row.notice = display.unofficial_notice(row.explanation.unofficial_years)
    return rows


def last_scan(*, user) -> ScanRun | None:
    """Return the latest completed scan run (not a dry run) a regulator may know of."""
    if not getattr(user, "is_regulator", False):
        return None
    return ScanRun.objects.filter(dry_run=False).order_by("-started_at").first()
