"""The fine: notice of the intended penalty, defence and hearing, decision, payment."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.documents import contents
from enforcement.documents.models import Document, DocumentKind
from enforcement.documents.services import document_issue
from enforcement.inbox.models import InboxMessage
from enforcement.models import Case
from enforcement.sanctions.models import (
    Defence,
    Hearing,
    Payment,
)
from enforcement.sanctions.periods import case_penalty, procedure_rule
from enforcement.sanctions.steps import (
    advance,
    case_fine_balance,
    check_addressee,
    check_amount,
    check_regulator,
    check_rung,
    issuing_authority,
    live,
    local_day,
    locked,
    next_status,
    notice_period,
    notify,
    notify_document,
    yuan,
)
from enforcement.services.calendar import calendar_load
from enforcement.services.cases import CaseRefused


@transaction.atomic
def notice_issue(*, case: Case, actor, amount_yuan: int, facts: str = "", now=None) -> Document:
    """Serve the notice of the intended fine, with the period to state a case (and a hearing
    where the amount qualifies)."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    check_rung(case, rules.NOTICE)
    penalty = case_penalty(case)
    check_amount(amount_yuan, penalty)
    issued_on = local_day(now)
    period_ends, threshold = notice_period(issued_on)
    offered = rules.hearing_available(amount_yuan=amount_yuan, threshold_yuan=threshold)
    content = contents.penalty_notice(
        case,
        authority=issuing_authority(actor),
        issued_on=issued_on,
        penalty=penalty,
        facts=facts.strip(),
        amount_yuan=amount_yuan,
        hearing_offered=offered,
        period_ends=period_ends,
    )
    document = document_issue(
        case=case,
        kind=DocumentKind.PENALTY_NOTICE,
        actor=actor,
        content=content,
        now=now,
        amount_fen=amount_yuan * 100,
        due_on=period_ends,
    )
    note = _("%(number)s：拟罚款 %(amount)s 元，陈述申辩%(hearing)s期限至 %(end)s。") % {
        "number": document.number,
        "amount": f"{amount_yuan:,}",
        "hearing": _("、听证申请") if offered else "",
        "end": period_ends.isoformat(),
    }
    advance(
        case,
        action=rules.NOTICE,
        actor=actor,
        now=now,
        reason=str(note),
        due_on=period_ends,
        proposal="",
        proposal_reason="",
    )
    notify_document(
        document,
        body=f"监管部门拟对你单位罚款 {amount_yuan:,} 元（{document.number}）。你单位可于 "
        f"{period_ends.isoformat()} 前在平台提出陈述、申辩" + ("或听证申请。" if offered else "。"),
    )
    return document


DEFENCE_REFUSALS = {
    "defence.not_expected": _("案件当前不在陈述申辩期间。"),
    "defence.late": _("陈述申辩期限已届满，不能再提交。"),
    "defence.no_hearing": _("拟罚款数额未达到可以要求听证的标准。"),
    "defence.hearing_requested": _("已经提出过听证申请。"),
}


@transaction.atomic
def defence_submit(*, case: Case, actor, kind: str, text: str, now=None) -> Defence:
    """Record the party's statement and defence, or its hearing request, within the period."""
    now = now or timezone.now()
    case = locked(case)
    check_addressee(actor, case)
    notice = live(case, DocumentKind.PENALTY_NOTICE)
    hearing = kind == Defence.Kind.HEARING_REQUEST
    refusal = rules.defence_refusal(
        status=case.status,
        period_ends=case.due_on,
        today=local_day(now),
        hearing=hearing,
        hearing_offered=bool(notice and notice.content.get("hearing_offered")),
        hearing_already_requested=bool(
            notice and case.defences.filter(document=notice, kind=kind).exists() and hearing
        ),
    )
    if refusal:
        raise CaseRefused(refusal, DEFENCE_REFUSALS[refusal])
    text = (text or "").strip()
    if not text:
        raise CaseRefused("defence.text", _("请填写陈述、申辩的内容或听证申请的理由。"))
    defence = Defence.objects.create(
        case=case, document=notice, kind=kind, text=text, submitted_by=actor, submitted_at=now
    )
    label = Defence.Kind(kind).label
    advance(case, action=rules.DEFEND, actor=actor, now=now, reason=f"{label}：{text[:500]}")
    return defence


@transaction.atomic
def hearing_record(*, case: Case, actor, held_on: dt.date, summary: str, now=None) -> Hearing:
    """Record the hearing held on the party's request."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    check_rung(case, rules.HEAR)
    summary = (summary or "").strip()
    if not summary:
        raise CaseRefused("hearing.summary", _("请填写听证笔录摘要。"))
    if held_on > local_day(now):
        raise CaseRefused("hearing.future", _("听证日期不能晚于今天。"))
    notice = live(case, DocumentKind.PENALTY_NOTICE)
    record = Hearing.objects.create(
        case=case,
        document=notice,
        held_on=held_on,
        summary=summary,
        recorded_by=actor,
        recorded_at=now,
    )
    advance(
        case,
        action=rules.HEAR,
        actor=actor,
        now=now,
        reason=f"{held_on.isoformat()} 举行听证：{summary[:500]}",
    )
    return record


@transaction.atomic
def fine_decide(
    *, case: Case, actor, amount_yuan: int, assessment: str, facts: str = "", now=None
) -> Document:
    """Decide the fine once the defence period is over, weighing what the party said."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    check_rung(case, rules.DECIDE)
    notice = live(case, DocumentKind.PENALTY_NOTICE)
    today = local_day(now)
    refusal = rules.decision_refusal(
        period_ends=case.due_on,
        today=today,
        hearing_requested=case.defences.filter(kind=Defence.Kind.HEARING_REQUEST).exists(),
        hearing_recorded=case.hearings.exists(),
    )
    if refusal == "decision.defence_period":
        raise CaseRefused(
            refusal,
            _("陈述申辩期限至 %(end)s 届满，期限届满前不能作出罚款决定。")
            % {"end": case.due_on.isoformat()},
        )
    if refusal:
        raise CaseRefused(refusal, _("当事人已申请听证，须先记录听证情况。"))
    penalty = case_penalty(case)
    check_amount(amount_yuan, penalty, notice.amount_yuan if notice else None)
    assessment = (assessment or "").strip()
    if not assessment:
        raise CaseRefused(
            "decision.assessment", _("请说明对当事人陈述、申辩（或未提出）的审查和采纳情况。")
        )
    payment = procedure_rule("payment", on=today)
    due = rules.deadline_due(
        start=today, days=payment.value, unit=payment.unit, calendar=calendar_load()
    )
    content = contents.fine_decision(
        case,
        authority=issuing_authority(actor),
        issued_on=today,
        penalty=penalty,
        facts=facts.strip(),
        amount_yuan=amount_yuan,
        due=due,
        notice=notice,
        assessment=assessment,
    )
    document = document_issue(
        case=case,
        kind=DocumentKind.FINE_DECISION,
        actor=actor,
        content=content,
        now=now,
        amount_fen=amount_yuan * 100,
        due_on=due,
    )
    note = _("%(number)s：罚款 %(amount)s 元，缴纳期限至 %(due)s。") % {
        "number": document.number,
        "amount": f"{amount_yuan:,}",
        "due": due.isoformat(),
    }
    advance(
        case,
        action=rules.DECIDE,
        actor=actor,
        now=now,
        reason=f"{note}\n{assessment}",
        due_on=due,
        fine_fen=amount_yuan * 100,
    )
    notify_document(
        document,
        body=f"监管部门对你单位作出罚款 {amount_yuan:,} 元的行政处罚决定（{document.number}），"
        f"请于 {due.isoformat()} 前缴纳；逾期每日按罚款数额的 3% 加处罚款。",
    )
    return document


# --- Payment ---------------------------------------------------------------------------------


TOO_MUCH = _("本次缴款超过 %(day)s 的应缴余额 %(left)s 元（罚款 %(fine)s 元，加处罚款 %(s)s 元）。")


@transaction.atomic
def payment_record(
    *, case: Case, actor, paid_on: dt.date, amount_fen: int, voucher_no: str, now=None
) -> Payment:
    """Record one payment; the fine and its surcharge paid in full close the case."""
    now = now or timezone.now()
    case = locked(case)
    check_regulator(actor, case)
    next_status(case, rules.PAY)
    decision = live(case, DocumentKind.FINE_DECISION)
    today = local_day(now)
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise CaseRefused("payment.voucher", _("请填写缴款凭证号。"))
    if amount_fen <= 0:
        raise CaseRefused("payment.amount", _("缴款金额须大于零。"))
    if paid_on > today or paid_on < timezone.localdate(decision.issued_at):
        raise CaseRefused(
            "payment.date",
            _("缴款日期须在处罚决定日 %(start)s 至今天之间。")
            % {"start": timezone.localdate(decision.issued_at).isoformat()},
        )
    if case.payments.filter(document=decision, voucher_no=voucher_no).exists():
        raise CaseRefused("payment.voucher_used", _("该缴款凭证号已登记过。"))
    before = case_fine_balance(case, on=paid_on)
    if amount_fen > before.outstanding_fen:
        raise CaseRefused(
            "payment.too_much",
            TOO_MUCH
            % {
                "day": paid_on.isoformat(),
                "left": yuan(before.outstanding_fen),
                "fine": yuan(before.fine_fen),
                "s": yuan(before.surcharge_fen),
            },
        )
    payment = Payment.objects.create(
        case=case,
        document=decision,
        paid_on=paid_on,
        amount_fen=amount_fen,
        voucher_no=voucher_no,
        recorded_by=actor,
        recorded_at=now,
    )
    balance = case_fine_balance(case, on=max(today, paid_on))
    note = _(
        "%(day)s 缴款 %(amount)s 元（凭证 %(voucher)s）；尚欠 %(left)s 元（含加处罚款 %(s)s 元）。"
    ) % {
        "day": paid_on.isoformat(),
        "amount": yuan(amount_fen),
        "voucher": voucher_no,
        "left": yuan(balance.outstanding_fen),
        "s": yuan(balance.surcharge_fen),
    }
    advance(
        case, action=rules.PAY, actor=actor, now=now, reason=str(note), paid_fen=balance.paid_fen
    )
    if balance.settled:
        advance(
            case,
            action=rules.SETTLE,
            actor=actor,
            now=now,
            closed_at=now,
            due_on=None,
            reason=str(_("罚款及加处罚款已全部缴清，结案。")),
        )
        notify(
            case,
            InboxMessage.Kind.CLOSED,
            f"closed:{case.pk}",
            "罚款已缴清，案件已办结",
            f"案件 {case.number} 的罚款已全部缴清，案件已结案。",
        )
    return payment
