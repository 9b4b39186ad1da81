"""What every ladder step shares: locking, who may act, the transition, the log,
the messages to the enterprise.

Every step takes `now` (default: the clock) so demo data and tests can sit anywhere in
time; deadlines count from the Beijing date of `now` on the working-day calendar.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.documents.models import Document, DocumentKind
from enforcement.inbox.models import InboxMessage
from enforcement.inbox.services import inbox_notify
from enforcement.models import Case, CaseStep
from enforcement.sanctions.models import (
    Defence,
)
from enforcement.sanctions.periods import procedure_rule, procedure_rules
from enforcement.services.calendar import calendar_load
from enforcement.services.cases import CaseRefused
from enterprises.scoping import scope_of

MAX_CORRECTION_DAYS = 250  # about a year of working days


# --- Shared checks -------------------------------------------------------------------------


def locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("enterprise").get(pk=case.pk)


def check_regulator(actor, case: Case) -> None:
    scope = scope_of(actor)
    if not getattr(actor, "is_regulator", False) or scope.empty:
        raise CaseRefused("case.not_regulator", _("只有监管人员可以办理案件。"))
    if not rules.may_act_on_case(
        national=scope.national, actor_province=scope.province, case_province=case.province
    ):
        raise CaseRefused("case.out_of_scope", _("只能办理本省企业的案件。"))


def check_addressee(actor, case: Case) -> None:
    if not getattr(actor, "enterprise_id", None) or actor.enterprise_id != case.enterprise_id:
        raise CaseRefused("case.not_addressee", _("只有案件当事企业的用户可以办理该事项。"))


def next_status(case: Case, action: str) -> str:
    status = rules.case_next_status(status=case.status, action=action)
    if status is None:
        raise CaseRefused(
            "case.transition",
            _("案件当前状态为“%(status)s”，不能执行该操作。")
            % {"status": case.get_status_display()},
        )
    return status


def reason_checked(case: Case, action: str, reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason and rules.ladder_reason_required(status=case.status, action=action):
        raise CaseRefused("case.reason_required", message)
    return reason


def advance(case: Case, *, action: str, actor, now, reason: str = "", **fields) -> Case:
    """Move the case to the status `action` leads to, with `fields`, and log the step."""
    before, after = case.status, next_status(case, action)
    for name, value in fields.items():
        setattr(case, name, value)
    if case.assigned_to_id is None and actor is not None and getattr(actor, "is_regulator", 0):
        case.assigned_to = actor
    case.status, case.updated_at = after, now
    case._change_reason = reason[:100] or action
    case.save()
    CaseStep.objects.create(
        case=case,
        action=action,
        status_before=before,
        status_after=after,
        actor=actor,
        at=now,
        reason=reason,
    )
    return case


def local_day(now) -> dt.date:
    return timezone.localdate(now)


def live(case: Case, kind: str) -> Document | None:
    return case.documents.filter(kind=kind, revoked_at__isnull=True).first()


def notify_document(document: Document, *, body: str) -> None:
    inbox_notify(
        enterprise_id=document.enterprise_id,
        case_id=document.case_id,
        document_id=document.pk,
        kind=InboxMessage.Kind.DOCUMENT,
        key=f"document:{document.pk}",
        title=f"{document.get_kind_display()} {document.number}",
        body=body,
    )


def notify(case: Case, kind: str, key: str, title: str, body: str) -> None:
    inbox_notify(
        enterprise_id=case.enterprise_id,
        case_id=case.pk,
        kind=kind,
        key=key,
        title=title,
        body=body,
    )


def correction_days(days: int | None, default: int, reason: str) -> int:
    days = default if days is None else days
    if not 1 <= days <= MAX_CORRECTION_DAYS:
        raise CaseRefused(
            "order.days",
            _("改正期限须为 1 至 %(max)s 个工作日。") % {"max": MAX_CORRECTION_DAYS},
        )
    if days != default and not reason:
        raise CaseRefused(
            "order.reason_required",
            _("改正期限与处罚标准规定的 %(n)s 个工作日不同，须说明调整理由。") % {"n": default},
        )
    return days


def issuing_authority(actor):
    from enforcement.documents.services import authority_of

    return authority_of(actor)


def check_rung(case: Case, action: str) -> None:
    hearing_requested = case.defences.filter(kind=Defence.Kind.HEARING_REQUEST).exists()
    allowed = rules.ladder_actions(
        status=case.status,
        proposal=case.proposal,
        response_pending=case.response_pending,
        hearing_requested=hearing_requested,
        hearing_recorded=case.hearings.exists(),
    )
    if action not in allowed:
        next_status(case, action)  # refuses with the status if the table has no such step
        raise CaseRefused(
            "case.rung",
            _("复查建议的下一步为“%(proposal)s”，不能跳过。")
            % {"proposal": RUNG_LABELS.get(case.proposal, case.proposal)},
        )


RUNG_LABELS = {rules.WARN: _("警告"), rules.NOTICE: _("罚款（先行告知）"), rules.CLOSE: _("结案")}


def amount_refusal(code: str, *, low: int, high: int, notified: int | None):
    if code == "fine.out_of_range":
        return CaseRefused(
            code,
            _("罚款金额须在处罚标准的 %(low)s 元至 %(high)s 元之间。")
            % {"low": f"{low:,}", "high": f"{high:,}"},
        )
    return CaseRefused(
        code,
        _("罚款金额不得高于事先告知的 %(n)s 元：不得因当事人陈述、申辩而加重处罚。")
        % {"n": f"{notified:,}"},
    )


def check_amount(amount_yuan: int, penalty, notified: int | None = None) -> None:
    low, high = penalty.fine_min_yuan, penalty.fine_max_yuan
    code = rules.fine_amount_refusal(amount_yuan=amount_yuan, low=low, high=high, notified=notified)
    if code:
        raise amount_refusal(code, low=low, high=high, notified=notified)


def notice_period(issued_on: dt.date) -> tuple[dt.date, int]:
    rows, calendar = procedure_rules(on=issued_on), calendar_load()
    for key in ("defence", "hearing_request", "hearing_threshold"):
        if key not in rows:
            procedure_rule(key, on=issued_on)  # refuses, naming the missing row
    ends = max(
        rules.deadline_due(
            start=issued_on, days=rows[k].value, unit=rows[k].unit, calendar=calendar
        )
        for k in ("defence", "hearing_request")
    )
    return ends, rows["hearing_threshold"].value


def case_fine_balance(case: Case, *, on: dt.date) -> rules.FineBalance | None:
    """Return the balance of the case's live fine decision on `on` (None: no decision)."""
    decision = live(case, DocumentKind.FINE_DECISION)
    if decision is None:
        return None
    rate = procedure_rule("surcharge", on=decision.due_on)
    payments = list(case.payments.values_list("paid_on", "amount_fen"))
    return rules.fine_balance(
        fine_fen=decision.amount_fen,
        due=decision.due_on,
        payments=payments,
        on=on,
        rate_bp=rate.value,
    )


def yuan(fen: int) -> str:
    return f"{fen // 100:,}" + (f".{fen % 100:02d}" if fen % 100 else "")
