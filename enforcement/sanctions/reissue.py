"""Correcting a document: revoke it (reason required) and issue the corrected one."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.documents import contents
from enforcement.documents.models import Document, DocumentKind
from enforcement.documents.services import document_issue, document_revoke
from enforcement.models import CaseStep
from enforcement.sanctions.periods import case_penalty, procedure_rule
from enforcement.sanctions.steps import (
    check_amount,
    check_regulator,
    correction_days,
    issuing_authority,
    live,
    local_day,
    locked,
    notice_period,
    notify_document,
)
from enforcement.services.calendar import calendar_load
from enforcement.services.cases import CaseRefused

REISSUABLE = {
    "ordered": DocumentKind.CORRECTION_ORDER,
    "rectified": DocumentKind.CORRECTION_ORDER,
    "warned": DocumentKind.WARNING,
    "notice_served": DocumentKind.PENALTY_NOTICE,
    "decided": DocumentKind.FINE_DECISION,
}


@transaction.atomic
def document_reissue(
    *,
    document: Document,
    actor,
    reason: str,
    days: int | None = None,
    amount_yuan: int | None = None,
    facts: str = "",
    now=None,
) -> Document:
    """Revoke a document of the case's current rung (reason required) and issue its
    correction, which replaces it; the periods count again from the new document."""
    now = now or timezone.now()
    case = locked(document.case)
    check_regulator(actor, case)
    if REISSUABLE.get(case.status) != document.kind or document.revoked_at is not None:
        raise CaseRefused("document.not_current", _("只能撤销并更正案件当前阶段的有效文书。"))
    reason = (reason or "").strip()
    document_revoke(document=document, actor=actor, reason=reason, now=now)
    penalty, today = case_penalty(case), local_day(now)
    authority = issuing_authority(actor)
    facts = facts.strip() or document.content.get("facts", "")
    kind, fields = document.kind, {}
    if kind in (DocumentKind.CORRECTION_ORDER, DocumentKind.WARNING):
        days = document.content.get("days") if days is None else days
        days = correction_days(days, days, reason)
        due = calendar_load().add_working_days(today, days)
        build = contents.correction_order if kind == DocumentKind.CORRECTION_ORDER else None
        content = (
            build(
                case,
                authority=authority,
                issued_on=today,
                penalty=penalty,
                facts=facts,
                days=days,
                due=due,
            )
            if build
            else contents.warning(
                case,
                authority=authority,
                issued_on=today,
                penalty=penalty,
                facts=facts,
                days=days,
                due=due,
                order=None,
            )
        )
        amount_fen, fields = None, {"due_on": due}
    elif kind == DocumentKind.PENALTY_NOTICE:
        amount = document.amount_yuan if amount_yuan is None else amount_yuan
        check_amount(amount, penalty)
        ends, threshold = notice_period(today)
        offered = rules.hearing_available(amount_yuan=amount, threshold_yuan=threshold)
        content = contents.penalty_notice(
            case,
            authority=authority,
            issued_on=today,
            penalty=penalty,
            facts=facts,
            amount_yuan=amount,
            hearing_offered=offered,
            period_ends=ends,
        )
        due, amount_fen, fields = ends, amount * 100, {"due_on": ends}
    else:
        notice = live(case, DocumentKind.PENALTY_NOTICE)
        amount = document.amount_yuan if amount_yuan is None else amount_yuan
        check_amount(amount, penalty, notice.amount_yuan if notice else None)
        payment = procedure_rule("payment", on=today)
        due = rules.deadline_due(
            start=today, days=payment.value, unit=payment.unit, calendar=calendar_load()
        )
        content = contents.fine_decision(
            case,
            authority=authority,
            issued_on=today,
            penalty=penalty,
            facts=facts,
            amount_yuan=amount,
            due=due,
            notice=notice,
            assessment=document.content.get("assessment", ""),
        )
        amount_fen, fields = amount * 100, {"due_on": due, "fine_fen": amount * 100}
    new = document_issue(
        case=case,
        kind=kind,
        actor=actor,
        content=content,
        now=now,
        amount_fen=amount_fen,
        due_on=due,
        replaces=document,
        authority=authority,
    )
    for name, value in fields.items():
        setattr(case, name, value)
    case.updated_at, case._change_reason = now, reason[:100]
    case.save()
    CaseStep.objects.create(
        case=case,
        action=rules.REVOKE,
        status_before=case.status,
        status_after=case.status,
        actor=actor,
        at=now,
        reason=f"撤销 {document.number}，重新签发 {new.number}：{reason}",
    )
    notify_document(
        new,
        body=f"监管部门撤销了{document.get_kind_display()}（{document.number}，理由：{reason}），"
        f"并重新签发 {new.number}，以新文书为准。",
    )
    return new
