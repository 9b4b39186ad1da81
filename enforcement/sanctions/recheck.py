"""The daily deadline job: re-check cases whose correction deadline has passed, propose
the next rung, remind enterprises of deadlines three working days away, and tell them
when a fine is overdue.

Safe to run twice and on two workers at once: a case is claimed by a conditional UPDATE
(`rechecked_on` set to the deadline it judges, only if it was not), so exactly one run
changes it; reminders are inbox messages keyed by the event, inserted once. One case that
fails is logged and left for the next run, never allowed to stop the others.

Findings are judged "as of the deadline" by the cure times the scans record, which are
the times of the curing acts themselves (a late handover, a confirmed receipt); the
nightly scan at 01:30 has seen every act reported before it, and this job runs after it.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from enforcement import rules
from enforcement.inbox.models import InboxMessage
from enforcement.inbox.services import inbox_notify
from enforcement.models import Case, CaseStep, Finding
from enforcement.sanctions.periods import case_penalty
from enforcement.services.calendar import calendar_load

logger = logging.getLogger(__name__)

RECHECKED = ("ordered", "warned", "rectified")
REMINDED = ("ordered", "warned", "notice_served", "decided")
REMINDER_LEAD = 3  # working days
REMINDER_WINDOW = dt.timedelta(days=16)  # 3 working days never span more (Golden Week)
RUNG_TEXT = {rules.WARN: "警告", rules.NOTICE: "罚款（先行告知拟处罚）"}


def deadlines_check(*, today: dt.date, now: dt.datetime | None = None) -> dict[str, int]:
    """Run the day's deadline work as of `today`; return what it did, by kind.

    Steps are logged at `now`: the clock when `today` is today, else 02:30 (Beijing) of
    `today`, when the scheduled run of that day happens (a catch-up or a test).
    """
    counts = {"overdue": 0, "close_offered": 0, "failed": 0}
    due = (
        Case.objects.filter(status__in=RECHECKED, due_on__lt=today, response_pending=False)
        .exclude(rechecked_on=F("due_on"))
        .values_list("pk", "due_on")
    )
    if now is None:
        now = timezone.now()
        if timezone.localdate(now) != today:
            now = dt.datetime.combine(today, dt.time(2, 30), tzinfo=ZoneInfo(settings.TIME_ZONE))
    for pk, deadline in list(due):
        try:
            outcome = case_recheck(case_id=pk, deadline=deadline, now=now)
        except Exception:
            logger.exception("re-check of case %s at %s failed; retried next run", pk, deadline)
            counts["failed"] += 1
            continue
        if outcome:
            counts[outcome] += 1
    counts["reminders"] = reminders_send(today=today)
    counts["fines_overdue"] = fines_overdue_notify(today=today)
    return counts


def _end_of(day: dt.date) -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


@transaction.atomic
def case_recheck(*, case_id: int, deadline: dt.date, now) -> str | None:
    """Re-check one case at its deadline, if no other run did; return the outcome or None."""
    claimed = (
        Case.objects.filter(pk=case_id, due_on=deadline, status__in=RECHECKED)
        .filter(response_pending=False)
        .exclude(rechecked_on=deadline)
        .update(rechecked_on=deadline)
    )
    if claimed != 1:
        return None
    case = Case.objects.select_related("enterprise").get(pk=case_id)
    still_open = (
        Finding.objects.filter(case=case)
        .filter(Q(cured_at__isnull=True) | Q(cured_at__gte=_end_of(deadline)))
        .count()
    )
    verdict = rules.recheck_verdict(
        rule=case.rule,
        rectification_accepted=case.status == Case.Status.RECTIFIED,
        findings_open=still_open,
    )
    if verdict == rules.CLOSE:
        return _offer_close(case, deadline, now)
    return _lapse(case, deadline, still_open, now)


def _offer_close(case: Case, deadline: dt.date, now) -> str:
    reason = f"{deadline.isoformat()} 期限届满复查：整改已采纳，违法线索已纠正，建议结案。"
    case.proposal, case.proposal_reason, case.updated_at = rules.CLOSE, reason, now
    case._change_reason = "recheck"
    case.save()
    CaseStep.objects.create(
        case=case,
        action="recheck",
        status_before=case.status,
        status_after=case.status,
        at=now,
        reason=reason,
    )
    return "close_offered"


def _lapse(case: Case, deadline: dt.date, still_open: int, now) -> str:
    from enforcement.sanctions.steps import advance

    rung = rules.next_rung(
        warning_step=case_penalty(case).warning_step, warned=case.warned_at is not None
    )
    why = (
        "整改材料未被采纳"
        if case.status != Case.Status.RECTIFIED
        else f"仍有 {still_open} 条违法线索未纠正"
    )
    reason = (
        f"{deadline.isoformat()} 期限届满复查：{why}，逾期未改正。"
        f"依处罚标准，建议下一步：{RUNG_TEXT[rung]}，待监管人员确认。"
    )
    advance(
        case,
        action=rules.LAPSE,
        actor=None,
        now=now,
        reason=reason,
        proposal=rung,
        proposal_reason=reason,
    )
    inbox_notify(
        enterprise_id=case.enterprise_id,
        case_id=case.pk,
        kind=InboxMessage.Kind.OVERDUE,
        key=f"overdue:{case.pk}:{deadline.isoformat()}",
        title=f"案件 {case.number} 逾期未改正",
        body=f"案件 {case.number}（{case.get_rule_display()}）的改正期限 {deadline.isoformat()} "
        "已届满，复查认定逾期未改正，监管部门将依法决定下一步处理。",
    )
    return "overdue"


REMINDER_TEXT = {
    "ordered": "改正期限",
    "warned": "改正期限",
    "notice_served": "陈述申辩期限",
    "decided": "罚款缴纳期限",
}


def reminders_send(*, today: dt.date) -> int:
    """Remind enterprises of deadlines three working days away or closer (once each)."""
    calendar = calendar_load()
    cases = (
        Case.objects.filter(status__in=REMINDED, due_on__gte=today)
        .filter(due_on__lte=today + REMINDER_WINDOW, response_pending=False)
        .values_list("pk", "enterprise_id", "status", "due_on", "opened_at")
    )
    sent = 0
    for pk, enterprise_id, status, due, opened_at in cases:
        if not rules.reminder_due(today=today, due=due, calendar=calendar, lead=REMINDER_LEAD):
            continue
        left = rules.working_days_left(today=today, due=due, calendar=calendar)
        number = f"AJ{opened_at.year}-{pk:06d}"
        what = REMINDER_TEXT[status]
        sent += bool(
            inbox_notify(
                enterprise_id=enterprise_id,
                case_id=pk,
                kind=InboxMessage.Kind.DUE_SOON,
                key=f"due_soon:{pk}:{status}:{due.isoformat()}",
                title=f"案件 {number} 的{what}临近",
                body=f"案件 {number} 的{what}至 {due.isoformat()}，还剩 {left} 个工作日。",
            )
        )
    return sent


def fines_overdue_notify(*, today: dt.date) -> int:
    """Tell enterprises once that their fine is past due and the surcharge accrues."""
    cases = Case.objects.filter(status=Case.Status.DECIDED, due_on__lt=today).values_list(
        "pk", "enterprise_id", "due_on", "opened_at"
    )
    sent = 0
    for pk, enterprise_id, due, opened_at in cases:
        number = f"AJ{opened_at.year}-{pk:06d}"
        sent += bool(
            inbox_notify(
                enterprise_id=enterprise_id,
                case_id=pk,
                kind=InboxMessage.Kind.OVERDUE,
                key=f"fine_overdue:{pk}:{due.isoformat()}",
                title=f"案件 {number} 的罚款逾期未缴",
                body=f"案件 {number} 的罚款缴纳期限 {due.isoformat()} 已过，自次日起每日按罚款数额"
                "的 3% 加处罚款（不超过罚款数额），请尽快缴纳。",
            )
        )
    return sent
