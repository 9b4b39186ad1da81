"""What the case page shows of the ladder, for the user asking (who may already read it)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement import rules
from enforcement.documents.models import Document, DocumentKind
from enforcement.documents.selectors import case_documents
from enforcement.models import Case
from enforcement.sanctions.models import Rectification, RectificationAttachment
from enforcement.sanctions.services import REISSUABLE, case_fine_balance, yuan
from enforcement.services.calendar import calendar_load
from enterprises.scoping import scope_of

DEADLINE_WHAT = {
    "ordered": gettext_lazy("改正期限"),
    "warned": gettext_lazy("改正期限"),
    "notice_served": gettext_lazy("陈述申辩期限"),
    "decided": gettext_lazy("罚款缴纳期限"),
}


@dataclass
class Deadline:
    due: dt.date
    what: str
    days_left: int
    passed: bool

    @property
    def text(self) -> str:
        if self.passed:
            return _("%(what)s %(due)s 已届满") % {"what": self.what, "due": self.due.isoformat()}
        return _("%(what)s至 %(due)s，还剩 %(n)s 个工作日") % {
            "what": self.what,
            "due": self.due.isoformat(),
            "n": self.days_left,
        }


def case_deadline(case: Case, *, today: dt.date, calendar=None) -> Deadline | None:
    """Return the running deadline of the case, counted down in working days."""
    if case.due_on is None or case.status not in DEADLINE_WHAT:
        return None
    calendar = calendar or calendar_load()
    return Deadline(
        due=case.due_on,
        what=str(DEADLINE_WHAT[case.status]),
        days_left=rules.working_days_left(today=today, due=case.due_on, calendar=calendar),
        passed=today > case.due_on,
    )


def next_for_enterprise(case: Case, *, today: dt.date, hearing_offered: bool) -> str:
    """Return, in one sentence, what is expected of the enterprise next."""
    status, running = case.status, case.due_on is not None and today <= case.due_on
    if status in rules.RESPONSE_STATUSES:
        if case.response_pending:
            return _("整改材料已提交，等待监管部门审查。")
        if running:
            return _("请在改正期限内改正，并在下方提交整改情况说明及证明材料。")
        return _("改正期限已过，等待监管部门复查。")
    if status == "notice_served":
        if running:
            return (
                _("可在期限内提出陈述、申辩或听证申请；逾期视为放弃。")
                if hearing_offered
                else _("可在期限内提出陈述、申辩；逾期视为放弃。")
            )
        return _("陈述申辩期限已届满，等待监管部门作出决定。")
    return {
        "confirmed": _("监管部门已确认违法线索，将依法责令改正。"),
        "rectified": _("整改已采纳，等待结案。"),
        "overdue": _("逾期未改正，监管部门将依法决定下一步处理。"),
        "decided": _("请按罚款决定书缴纳罚款；逾期每日加处罚款。"),
        "closed": _("案件已办结。"),
    }.get(status, "")


BALANCE = gettext_lazy(
    "罚款 %(fine)s 元，加处罚款 %(s)s 元（逾期 %(d)s 日），已缴 %(paid)s 元，尚欠 %(left)s 元"
)


@dataclass
class LadderView:
    documents: list[Document]
    rectifications: list[Rectification]
    defences: list
    hearings: list
    payments: list
    balance: rules.FineBalance | None
    deadline: Deadline | None
    next_text: str
    regulator_actions: list[str] = field(default_factory=list)
    enterprise_actions: list[str] = field(default_factory=list)
    hearing_offered: bool = False
    notice: Document | None = None
    reissuable: Document | None = None
    balance_text: str = ""

    @property
    def visible(self) -> bool:
        return bool(self.documents or self.regulator_actions or self.enterprise_actions)


def _live(documents: list[Document], kind: str) -> Document | None:
    return next((d for d in documents if d.kind == kind and d.revoked_at is None), None)


def case_ladder(*, user, case: Case, today: dt.date | None = None) -> LadderView:
    """Return the ladder of one case as its page shows it (a constant number of queries)."""
    today = today or timezone.localdate()
    documents = case_documents(case=case)
    attachments = Prefetch("attachments", queryset=RectificationAttachment.objects.order_by("pk"))
    rectifications = list(
        case.rectifications.select_related("submitted_by", "reviewed_by").prefetch_related(
            attachments
        )
    )
    defences = list(case.defences.order_by("submitted_at", "pk"))
    hearings = list(case.hearings.all())
    payments = list(case.payments.order_by("paid_on", "pk"))
    notice = _live(documents, DocumentKind.PENALTY_NOTICE)
    offered = bool(notice and notice.content.get("hearing_offered"))
    balance = (
        case_fine_balance(case, on=today) if _live(documents, DocumentKind.FINE_DECISION) else None
    )
    view = LadderView(
        documents=documents,
        rectifications=rectifications,
        defences=defences,
        hearings=hearings,
        payments=payments,
        balance=balance,
        deadline=case_deadline(case, today=today),
        next_text=next_for_enterprise(case, today=today, hearing_offered=offered),
        hearing_offered=offered,
        notice=notice,
    )
    if balance is not None:
        view.balance_text = BALANCE % {
            "fine": yuan(balance.fine_fen),
            "s": yuan(balance.surcharge_fen),
            "d": balance.days_late,
            "paid": yuan(balance.paid_fen),
            "left": yuan(balance.outstanding_fen),
        }
    scope = scope_of(user)
    if user.is_regulator and rules.may_act_on_case(
        national=scope.national, actor_province=scope.province, case_province=case.province
    ):
        view.regulator_actions = rules.ladder_actions(
            status=case.status,
            proposal=case.proposal,
            response_pending=case.response_pending,
            hearing_requested=any(d.kind == "hearing_request" for d in defences),
            hearing_recorded=bool(hearings),
        )
        kind = REISSUABLE.get(case.status)
        view.reissuable = _live(documents, kind) if kind else None
    elif user.enterprise_id == case.enterprise_id:
        if not rules.response_refusal(
            status=case.status,
            response_pending=case.response_pending,
            due=case.due_on,
            today=today,
        ):
            view.enterprise_actions.append(rules.RESPOND)
        if case.status == "notice_served" and case.due_on and today <= case.due_on:
            view.enterprise_actions.append(rules.DEFEND)
    return view
