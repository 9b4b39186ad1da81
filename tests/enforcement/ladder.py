"""Builders for the sanction-ladder tests: confirmed cases and steps at chosen moments.

Times are Beijing times on chosen days of 2026 (`at("2026-11-02")`); every service takes
`now`, so a case can be walked up the ladder in the past and judged on any later day.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.models import Case, CaseStep, Document
from enforcement.sanctions import services as ladder
from enforcement.services.cases import case_act
from tests.enforcement.builders import HEADLINE, case_of, finding_insert
from tests.enforcement.scenario import at

PDF_BYTES = b"%PDF-1.4\n%test attachment\n"
REVIEWED = "2026-08-03"  # detection and review day of the builders' cases


def confirmed(
    desk, *, enterprise=None, rule: str = HEADLINE, findings: int = 1, actor=None
) -> Case:
    """Return a confirmed case of the enterprise (default: the Jiangsu dismantler)."""
    enterprise = enterprise or desk.dismantler
    case = case_of(enterprise, rule, subject="S0000")
    for n in range(1, findings):
        finding_insert(enterprise, rule, subject=f"S{n:04d}", case=case)
    actor = actor or (desk.jiangsu if enterprise.province == "32" else desk.national)
    case = case_act(case=case, actor=actor, action="confirm", reason="证据确凿。")
    # The review happened before the ladder's (past) steps: keep the history in order.
    Case.objects.filter(pk=case.pk).update(opened_at=at(REVIEWED), decided_at=at(REVIEWED))
    CaseStep.objects.filter(case=case).update(at=at(REVIEWED))
    case.refresh_from_db()
    return case


def official(desk, case: Case):
    """Return the official acting on a case: Jiangsu's at home, MIIT's elsewhere."""
    return desk.jiangsu if case.province == "32" else desk.national


def ordered(desk, *, day: str = "2026-11-02", **kw) -> tuple[Case, Document]:
    """Return a case whose correction order was issued on `day` (10:00), and the order."""
    case = confirmed(desk, **kw)
    order = ladder.order_issue(case=case, actor=official(desk, case), now=at(day))
    case.refresh_from_db()
    return case, order


def pdf_file(name: str = "整改报告.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def responded(desk, case: Case, *, day: str) -> None:
    ladder.rectification_submit(
        case=case,
        actor=desk.dismantler_user,
        statement="已将全部电池移交给综合利用企业。",
        files=[pdf_file()],
        now=at(day),
    )


def overdue(desk, *, ordered_on: str = "2026-09-01", checked_on: str = "2026-10-20", **kw):
    """Return a case whose order lapsed without a response (re-checked on `checked_on`)."""
    from enforcement.sanctions.recheck import deadlines_check

    case, order = ordered(desk, day=ordered_on, **kw)
    deadlines_check(today=dt.date.fromisoformat(checked_on))
    case.refresh_from_db()
    assert case.status == "overdue", case.status
    return case


def notified(desk, *, amount: int = 50_000, day: str = "2026-10-21", **kw) -> tuple[Case, Document]:
    """Return an overdue case of a rule fined without warning, with its notice served."""
    case = overdue(desk, rule="prohibited_reuse", **kw)
    notice = ladder.notice_issue(
        case=case, actor=official(desk, case), amount_yuan=amount, now=at(day)
    )
    case.refresh_from_db()
    return case, notice


def decided(desk, *, amount: int = 50_000, day: str = "2026-10-29", **kw):
    case, notice = notified(desk, amount=amount, **kw)
    decision = ladder.fine_decide(
        case=case,
        actor=official(desk, case),
        amount_yuan=amount,
        assessment="当事人在期限内未提出陈述、申辩。",
        now=at(day),
    )
    case.refresh_from_db()
    return case, decision
