"""Correction order, the enterprise's rectification, its review, the warning, closing."""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.documents import contents
from enforcement.documents.models import Document, DocumentKind
from enforcement.documents.services import document_issue
from enforcement.inbox.models import InboxMessage
from enforcement.models import Case
from enforcement.sanctions.attachments import attachment_problems, content_type_of
from enforcement.sanctions.models import (
    Rectification,
    RectificationAttachment,
)
from enforcement.sanctions.periods import case_penalty
from enforcement.sanctions.steps import (
    advance,
    check_addressee,
    check_regulator,
    check_rung,
    correction_days,
    issuing_authority,
    live,
    local_day,
    locked,
    next_status,
    notify,
    notify_document,
    reason_checked,
)
from enforcement.services.calendar import calendar_load
from enforcement.services.cases import CaseRefused

# --- Correction order, response, review -----------------------------------------------------


@transaction.atomic
def order_issue(
    *, case: Case, actor, days: int | None = None, reason: str = "", facts: str = "", now=None
) -> Document:
    """Issue the correction order of a confirmed case; its deadline counts working days."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    next_status(case, rules.ORDER)
    penalty = case_penalty(case)
    reason = (reason or "").strip()
    days = correction_days(days, penalty.correction_days, reason)
    issued_on = local_day(now)
    due = calendar_load().add_working_days(issued_on, days)
    content = contents.correction_order(
        case,
        authority=issuing_authority(actor),
        issued_on=issued_on,
        penalty=penalty,
        facts=facts.strip(),
        days=days,
        due=due,
    )
    document = document_issue(
        case=case,
        kind=DocumentKind.CORRECTION_ORDER,
        actor=actor,
        content=content,
        now=now,
        due_on=due,
    )
    note = _("%(number)s；改正期限 %(days)s 个工作日，至 %(due)s。") % {
        "number": document.number,
        "days": days,
        "due": due.isoformat(),
    }
    advance(
        case,
        action=rules.ORDER,
        actor=actor,
        now=now,
        reason=f"{note}{reason}",
        due_on=due,
        proposal="",
        proposal_reason="",
        response_pending=False,
    )
    notify_document(
        document,
        body=f"监管部门向你单位送达{document.get_kind_display()}（{document.number}），"
        f"请于 {due.isoformat()} 前改正并在平台提交整改情况说明。",
    )
    return document


@transaction.atomic
def rectification_submit(*, case: Case, actor, statement: str, files=(), now=None) -> Rectification:
    """Record the enterprise's rectification statement and files, for the official to review."""
    now = now or timezone.now()
    case = locked(case)
    check_addressee(actor, case)
    refusal = rules.response_refusal(
        status=case.status,
        response_pending=case.response_pending,
        due=case.due_on,
        today=local_day(now),
    )
    if refusal:
        raise CaseRefused(refusal, RESPONSE_REFUSALS[refusal])
    statement = (statement or "").strip()
    if not statement:
        raise CaseRefused("response.statement", _("请填写整改情况说明。"))
    problems = attachment_problems(list(files))
    if problems:
        raise CaseRefused("response.files", "；".join(problems))
    document = live(case, DocumentKind.WARNING if case.warned_at else DocumentKind.CORRECTION_ORDER)
    rectification = Rectification.objects.create(
        case=case, document=document, statement=statement, submitted_by=actor, submitted_at=now
    )
    for f in files:
        f.seek(0)
        digest = hashlib.sha256(f.read()).hexdigest()
        f.seek(0)
        RectificationAttachment.objects.create(
            rectification=rectification,
            file=f,
            original_name=f.name[:255],
            content_type=content_type_of(f.name),
            size=f.size,
            sha256=digest,
        )
    count = len(files)
    advance(
        case,
        action=rules.RESPOND,
        actor=actor,
        now=now,
        response_pending=True,
        reason=_("提交整改情况说明（附件 %(n)s 个）。") % {"n": count} + f"\n{statement[:500]}",
    )
    return rectification


RESPONSE_REFUSALS = {
    "response.not_expected": _("案件当前不在责令改正期间，不能提交整改材料。"),
    "response.pending": _("已提交的整改材料尚待监管部门审查，请等待审查结果。"),
    "response.late": _("改正期限已过，不能再提交整改材料。"),
}


@transaction.atomic
def rectification_review(*, case: Case, actor, action: str, reason: str = "", now=None) -> Case:
    """Accept the pending rectification (the case is rectified) or return it with a reason."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    if action not in (rules.ACCEPT, rules.RETURN):
        raise ValueError(action)
    next_status(case, action)
    pending = case.rectifications.filter(status=Rectification.Status.SUBMITTED).first()
    if pending is None:
        raise CaseRefused("review.nothing", _("没有待审查的整改材料。"))
    reason = reason_checked(case, action, reason, _("退回整改材料必须说明理由。"))
    pending.status = (
        Rectification.Status.ACCEPTED if action == rules.ACCEPT else Rectification.Status.RETURNED
    )
    pending.reviewed_by, pending.reviewed_at, pending.review_reason = actor, now, reason
    pending.save()
    advance(case, action=action, actor=actor, now=now, reason=reason, response_pending=False)
    if action == rules.RETURN:
        running = case.due_on and local_day(now) <= case.due_on
        again = f"可在 {case.due_on.isoformat()} 前重新提交。" if running else "改正期限已过。"
        notify(
            case,
            InboxMessage.Kind.RETURNED,
            f"returned:{pending.pk}",
            "整改材料被退回",
            f"案件 {case.number} 的整改材料被退回：{reason}。{again}",
        )
    else:
        notify(
            case,
            InboxMessage.Kind.ACCEPTED,
            f"accepted:{pending.pk}",
            "整改材料已采纳",
            f"案件 {case.number} 的整改材料已被采纳，等待结案。",
        )
    return case


@transaction.atomic
def case_close(*, case: Case, actor, reason: str = "", now=None) -> Case:
    """Close a rectified case, or an overdue or notified one without a sanction (explained)."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    next_status(case, rules.CLOSE)
    reason = reason_checked(case, rules.CLOSE, reason, _("不予处罚而结案，必须说明理由。"))
    advance(
        case,
        action=rules.CLOSE,
        actor=actor,
        now=now,
        reason=reason,
        closed_at=now,
        due_on=None,
        proposal="",
        proposal_reason="",
    )
    notify(
        case,
        InboxMessage.Kind.CLOSED,
        f"closed:{case.pk}",
        "案件已办结",
        f"案件 {case.number}（{case.get_rule_display()}）已结案。{reason}",
    )
    return case


# --- Warning, notice, defence, hearing, decision ---------------------------------------------


@transaction.atomic
def warning_issue(
    *, case: Case, actor, days: int | None = None, reason: str = "", facts: str = "", now=None
) -> Document:
    """Warn an overdue case (a decision of its own) with a new correction deadline."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    check_rung(case, rules.WARN)
    penalty = case_penalty(case)
    reason = (reason or "").strip()
    days = correction_days(days, penalty.correction_days, reason)
    issued_on = local_day(now)
    due = calendar_load().add_working_days(issued_on, days)
    content = contents.warning(
        case,
        authority=issuing_authority(actor),
        issued_on=issued_on,
        penalty=penalty,
        facts=facts.strip(),
        days=days,
        due=due,
        order=live(case, DocumentKind.CORRECTION_ORDER),
    )
    document = document_issue(
        case=case, kind=DocumentKind.WARNING, actor=actor, content=content, now=now, due_on=due
    )
    note = _("%(number)s：警告，并责令 %(days)s 个工作日内改正，至 %(due)s。") % {
        "number": document.number,
        "days": days,
        "due": due.isoformat(),
    }
    advance(
        case,
        action=rules.WARN,
        actor=actor,
        now=now,
        reason=f"{note}{reason}",
        due_on=due,
        warned_at=now,
        proposal="",
        proposal_reason="",
        response_pending=False,
    )
    notify_document(
        document,
        body=f"监管部门对你单位给予警告（{document.number}），并责令于 {due.isoformat()} 前改正，"
        "请在平台提交整改情况说明。",
    )
    return document
