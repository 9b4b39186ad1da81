"""The regulators' review desk and the enterprises' read-only view of their cases."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from batteries.web.pagination import cursor, keyset_page
from enforcement import rules, selectors
from enforcement.forms import ACTION_LABELS, CaseActionForm, CaseBulkForm, CaseFilterForm
from enforcement.models import Case
from enforcement.sanctions.selectors import case_deadline
from enforcement.sanctions.services import yuan
from enforcement.sanctions.views import ladder_context
from enforcement.services.calendar import calendar_load
from enforcement.services.cases import CaseRefused, cases_act
from enforcement.services.review import case_review
from enterprises.models import Role
from enterprises.scoping import scope_of
from enterprises.views.access import regulator_required, requires

PAGE_SIZE = 50
REFUSALS_LISTED = 100  # a bulk action lists this many refusals, then says how many more

desk_required = requires(
    lambda user: user.is_regulator or bool(user.enterprise_id),
    _("仅限监管人员和企业用户访问。"),
)

STEP_LABELS = {
    "detect": _("扫描发现"),
    "add_findings": _("扫描追加线索"),
    rules.ASSIGN: _("承办"),
    rules.CONFIRM: _("确认"),
    rules.DISMISS: _("驳回"),
    rules.ORDER: _("责令限期改正"),
    rules.RESPOND: _("提交整改材料"),
    rules.RETURN: _("退回整改材料"),
    rules.ACCEPT: _("采纳整改"),
    rules.CLOSE: _("结案"),
    rules.LAPSE: _("期限届满复查：逾期"),
    "recheck": _("期限届满复查"),
    rules.WARN: _("警告"),
    rules.NOTICE: _("告知拟处罚"),
    rules.DEFEND: _("陈述申辩"),
    rules.HEAR: _("听证"),
    rules.DECIDE: _("罚款决定"),
    rules.PAY: _("缴款"),
    rules.SETTLE: _("缴清结案"),
    rules.REVOKE: _("撤销并重新签发"),
}
DONE_MESSAGES = {
    rules.ASSIGN: _("已将案件 %(number)s 分配给 %(who)s。"),
    rules.CONFIRM: _("已确认案件 %(number)s。"),
    rules.DISMISS: _("已驳回案件 %(number)s。"),
}
# Refusals about who acts (not about the case's state or the form) answer 403.
FORBIDDEN_REFUSALS = {"case.not_regulator", "case.out_of_scope", "case.assign_others"}


def queue_label(queue: str, user) -> str:
    if queue == selectors.OPEN_ALL:
        if not user.is_regulator:
            return _("未办结")
        return _("全国全部") if scope_of(user).national else _("本省全部")
    return {
        selectors.NEW: _("新发现"),
        selectors.MINE: pgettext_lazy("case queue: cases assigned to me", "分配给我"),
        selectors.CONFIRMED: _("已确认"),
        selectors.DISMISSED: _("已驳回"),
        selectors.ALL: _("全部"),
    }[queue]


LADDER_QUEUE_LABELS = {
    selectors.AWAITING: _("待企业整改"),
    selectors.TO_REVIEW: _("整改材料待审查"),
    selectors.OVERDUE: _("逾期待处理"),
    selectors.DEFENCE_ENDED: _("申辩期满待决定"),
    selectors.UNPAID: _("罚款未缴清"),
    selectors.CLOSED: _("已结案"),
    selectors.TODO: _("待本企业办理"),
}


def _deadlines(cases) -> dict:
    """Return case id → running deadline for a page of cases (the calendar only if needed)."""
    running = [case for case in cases if case.due_on is not None]
    if not running:
        return {}
    today, calendar = timezone.localdate(), calendar_load()
    return {case.pk: case_deadline(case, today=today, calendar=calendar) for case in running}


def _count_label(n: int) -> str:
    return f"{selectors.COUNT_CAP}+" if n > selectors.COUNT_CAP else str(n)


def _who(user) -> str:
    return user.get_full_name() or user.username


# --- The queue ---------------------------------------------------------------------------------


def _list_context(request, bulk_form=None) -> dict:
    user = request.user
    queues = selectors.case_queues(user=user)
    ladder_queues = selectors.case_ladder_queues(user=user)
    queue = request.GET.get("queue")
    # "all" has no tab for regulators: the statistics link to it (every status of a rule…).
    queue = queue if queue in (*queues, *ladder_queues, selectors.ALL) else queues[0]
    filter_form = CaseFilterForm(
        request.GET or None,
        show_province=scope_of(user).national,
        show_enterprise=user.is_regulator,
    )
    if filter_form.is_bound and not filter_form.is_valid():
        cases = Case.objects.none()
    else:
        filters = filter_form.cleaned_data if filter_form.is_bound else {}
        cases = selectors.case_list(user=user, queue=queue, filters=filters)
    page = keyset_page(
        cases,
        after=cursor(request.GET.get("after")),
        before=cursor(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    counts = selectors.case_finding_counts(cases=page.rows)
    kept = [(k, v) for k, v in request.GET.items() if k not in {"after", "before"} and v]
    filters_kept = [(k, v) for k, v in kept if k != "queue"]
    counts_by_queue, ladder_counts, totals = selectors.desk_counts(user=user)
    deadlines = _deadlines(page.rows)
    checked = set(bulk_form.data.getlist("cases")) if bulk_form is not None else set()
    return {
        "checked": checked,
        "regulator": user.is_regulator,
        "queue": queue,
        "queues": [
            {
                "key": q,
                "label": queue_label(q, user),
                "count": counts_by_queue[q],
                "query": urlencode([("queue", q), *filters_kept]),
            }
            for q in queues
        ],
        "ladder_queues": [
            {
                "key": q,
                "label": LADDER_QUEUE_LABELS[q],
                "count": ladder_counts[q],
                "query": urlencode([("queue", q), *filters_kept]),
            }
            for q in ladder_queues
        ],
        "totals": {k: yuan(v) for k, v in totals.items()},
        "filter_form": filter_form,
        "rows": [
            (case, _count_label(counts.get(case.pk, 0)), deadlines.get(case.pk))
            for case in page.rows
        ],
        "page": page,
        "next_query": urlencode([*kept, ("after", page.next_cursor or "")]),
        "prev_query": urlencode([*kept, ("before", page.prev_cursor or "")]),
        "list_query": urlencode(kept),
        # "Export this list": the queue and filters, read by the export's case_list table.
        "export_query": urlencode([("table", "case_list"), ("queue", queue), *filters_kept]),
        "bulk_form": bulk_form or (CaseBulkForm() if user.is_regulator else None),
        "bulk_actions": list(ACTION_LABELS.items()),
        "last_scan": selectors.last_scan(user=user),
        "national": scope_of(user).national,
    }


@desk_required
def case_list(request):
    """Show the work queues with counts, the filters and one page of cases (never counted).

    Regulators see the desk with bulk actions; enterprise users their own cases, read-only.
    """
    return render(request, "enforcement/case_list.html", _list_context(request))


@require_POST
@regulator_required
def case_bulk(request):
    """Apply one action to the ticked cases, each on its own; report successes and refusals."""
    form = CaseBulkForm(request.POST)
    if not form.is_valid():
        context = _list_context(request, bulk_form=form)
        return render(request, "enforcement/case_list.html", context, status=400)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    wanted = form.cleaned_data["cases"]
    cases = selectors.cases_for_action(user=request.user, pks=wanted)
    done, refused = cases_act(cases=cases, actor=request.user, action=action, reason=reason)
    summary = _("%(action)s：成功 %(done)s 件，未能办理 %(refused)s 件。") % {
        "action": ACTION_LABELS[action],
        "done": len(done),
        "refused": len(refused) + len(wanted) - len(cases),
    }
    if done:
        messages.success(request, summary)
    else:
        messages.warning(request, summary)
    for case, refusal in refused[:REFUSALS_LISTED]:
        messages.warning(request, f"{case.number} · {case.enterprise.name}：{refusal.message}")
    if len(refused) > REFUSALS_LISTED:
        messages.warning(
            request,
            _("另有 %(n)s 件未能办理，未逐一列出。") % {"n": len(refused) - REFUSALS_LISTED},
        )
    if len(wanted) > len(cases):
        messages.warning(
            request, _("%(n)s 件案件未找到或无权查看。") % {"n": len(wanted) - len(cases)}
        )
    query = request.GET.urlencode()
    return redirect(reverse("enforcement:case_list") + (f"?{query}" if query else ""))


# --- One case ----------------------------------------------------------------------------------


def _visible_case(user, pk: int) -> Case:
    try:
        return selectors.case_get(user=user, pk=pk)
    except Case.DoesNotExist:
        raise Http404(_("未找到该案件，或您无权查看。")) from None


def _detail_context(request, case: Case, form=None) -> dict:
    user = request.user
    may_act = selectors.case_may_act(user=user, case=case)
    actions = rules.case_actions_allowed(status=case.status) if may_act else []
    assignees = selectors.case_assignees(user=user, case=case) if actions else None
    page = selectors.case_findings(
        case=case,
        after=cursor(request.GET.get("after")),
        before=cursor(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    roles = dict(Role.choices)
    return {
        "case": case,
        "enterprise": case.enterprise,
        "roles": [roles.get(role, role) for role in case.enterprise.roles],
        "regulator": user.is_regulator,
        "legal": selectors.case_legal_basis(case=case),
        "steps": [
            (step, STEP_LABELS.get(step.action, step.action))
            for step in selectors.case_steps(case=case)
        ],
        "findings": selectors.finding_rows(user=user, findings=page.rows),
        "page": page,
        "next_query": urlencode([("after", page.next_cursor or "")]),
        "prev_query": urlencode([("before", page.prev_cursor or "")]),
        "actions": [(action, ACTION_LABELS[action]) for action in actions],
        "form": form or (CaseActionForm(assignees=assignees) if actions else None),
        "assign_others": assignees is not None,
        **ladder_context(request, case),
    }


@desk_required
def case_detail(request, pk: int):
    """Show one case: the enterprise, the legal basis, the history, the findings and their
    deadlines, and (for a regulator who may act) the review actions."""
    case = _visible_case(request.user, pk)
    return render(request, "enforcement/case_detail.html", _detail_context(request, case))


@require_POST
@desk_required
def case_act(request, pk: int):
    """Apply one review action from the case page; a refusal is shown next to the form."""
    case = _visible_case(request.user, pk)
    may_act = selectors.case_may_act(user=request.user, case=case)
    assignees = selectors.case_assignees(user=request.user, case=case) if may_act else None
    form = CaseActionForm(request.POST, assignees=assignees)
    status = 400
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            case = case_review(
                case=case,
                actor=request.user,
                action=action,
                reason=form.cleaned_data["reason"],
                assignee=form.cleaned_data.get("assignee"),
            )
        except CaseRefused as refusal:
            form.add_error(None, refusal.message)
            status = 403 if refusal.code in FORBIDDEN_REFUSALS else 400
        else:
            who = _who(case.assigned_to) if case.assigned_to else ""
            messages.success(request, DONE_MESSAGES[action] % {"number": case.number, "who": who})
            return redirect(case)
    context = _detail_context(request, case, form=form)
    return render(request, "enforcement/case_detail.html", context, status=status)


urlpatterns = [
    path("cases/", case_list, name="case_list"),
    path("cases/bulk/", case_bulk, name="case_bulk"),
    path("cases/<int:pk>/", case_detail, name="case_detail"),
    path("cases/<int:pk>/act/", case_act, name="case_act"),
]
