"""The ladder's steps from the case page: one POST endpoint per action, one form each.

A refusal (a step the law or the case's state does not allow, an amount outside the
schedule, a response after the deadline) is shown next to the form, with 400; acting
outside one's scope answers 403.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from enforcement import rules, selectors
from enforcement.documents.models import Document
from enforcement.models import Case
from enforcement.sanctions import services as ladder
from enforcement.sanctions.forms import ACTION_LABELS, FORMS, DefendForm, ReissueForm
from enforcement.sanctions.models import RectificationAttachment
from enforcement.sanctions.periods import case_penalty
from enforcement.sanctions.selectors import case_ladder
from enforcement.services.cases import CaseRefused
from enterprises.views.access import requires

FORBIDDEN = {"case.not_regulator", "case.out_of_scope", "case.not_addressee"}

desk_required = requires(
    lambda user: user.is_regulator or bool(user.enterprise_id),
    _("仅限监管人员和企业用户访问。"),
)

DONE = {
    rules.ORDER: _("已签发责令限期改正通知书 %(number)s，PDF 正在生成。"),
    rules.WARN: _("已签发警告决定书 %(number)s，PDF 正在生成。"),
    rules.NOTICE: _("已签发行政处罚事先告知书 %(number)s，PDF 正在生成。"),
    rules.DECIDE: _("已签发罚款决定书 %(number)s，PDF 正在生成。"),
    rules.ACCEPT: _("已采纳整改材料。"),
    rules.RETURN: _("已退回整改材料。"),
    rules.CLOSE: _("案件已结案。"),
    rules.HEAR: _("已记录听证情况。"),
    rules.PAY: _("已登记缴款。"),
    rules.RESPOND: _("整改材料已提交，等待监管部门审查。"),
    rules.DEFEND: _("已提交，监管部门将在作出决定前审查。"),
    rules.REVOKE: _("已撤销原文书并重新签发 %(number)s。"),
}


def _ids(action: str) -> str:
    """Field ids unique on the page, which holds one form per action."""
    return f"id_{action}_%s"


def _initial_forms(case: Case, view) -> dict:
    """The unbound forms of the actions the page offers, prefilled from the case."""
    from enforcement.documents.contents import default_facts

    wanted = set(view.regulator_actions) | set(view.enterprise_actions)
    forms, penalty = {}, None
    if wanted & {rules.ORDER, rules.WARN, rules.NOTICE, rules.DECIDE}:
        try:
            penalty = case_penalty(case)
        except CaseRefused:
            penalty = None
    for action in wanted:
        if action == rules.DEFEND:
            forms[action] = DefendForm(hearing_offered=view.hearing_offered, auto_id=_ids(action))
            continue
        initial = {}
        if action in (rules.ORDER, rules.WARN) and penalty:
            initial = {"days": penalty.correction_days}
        if action in (rules.ORDER, rules.WARN, rules.NOTICE, rules.DECIDE):
            initial["facts"] = default_facts(case, count=case.findings.count())
        if action == rules.NOTICE and penalty:
            initial["amount_yuan"] = penalty.fine_min_yuan
        if action == rules.DECIDE and view.notice is not None:
            initial["amount_yuan"] = view.notice.amount_yuan
            if not view.defences:
                initial["assessment"] = "当事人在规定期限内未提出陈述、申辩。"
        if action == rules.PAY:
            initial = {"paid_on": timezone.localdate().isoformat()}
        forms[action] = FORMS[action](initial=initial, auto_id=_ids(action))
    return forms


def ladder_context(request, case: Case, *, bound_action: str = "", bound_form=None) -> dict:
    """Return the ladder part of the case page's context."""
    view = case_ladder(user=request.user, case=case)
    forms = _initial_forms(case, view)
    if bound_form is not None:
        forms[bound_action] = bound_form
    reissue = ReissueForm(auto_id=_ids(rules.REVOKE)) if view.reissuable else None
    if bound_action == rules.REVOKE:
        reissue = bound_form
    return {
        "ladder": view,
        "ladder_forms": [(a, ACTION_LABELS[a], forms[a]) for a in view.regulator_actions],
        "enterprise_forms": [(a, ACTION_LABELS[a], forms[a]) for a in view.enterprise_actions],
        "reissue_form": reissue,
        "bound_action": bound_action,
    }


def _run(action: str, case: Case, user, form):
    data = form.cleaned_data
    if action in (rules.ORDER, rules.WARN):
        issue = ladder.order_issue if action == rules.ORDER else ladder.warning_issue
        return issue(
            case=case, actor=user, days=data["days"], reason=data["reason"], facts=data["facts"]
        )
    if action == rules.NOTICE:
        return ladder.notice_issue(
            case=case, actor=user, amount_yuan=data["amount_yuan"], facts=data["facts"]
        )
    if action == rules.DECIDE:
        return ladder.fine_decide(
            case=case,
            actor=user,
            amount_yuan=data["amount_yuan"],
            assessment=data["assessment"],
            facts=data["facts"],
        )
    if action in (rules.ACCEPT, rules.RETURN):
        return ladder.rectification_review(
            case=case, actor=user, action=action, reason=data["reason"]
        )
    if action == rules.CLOSE:
        return ladder.case_close(case=case, actor=user, reason=data["reason"])
    if action == rules.HEAR:
        return ladder.hearing_record(
            case=case, actor=user, held_on=data["held_on"], summary=data["summary"]
        )
    if action == rules.PAY:
        return ladder.payment_record(
            case=case,
            actor=user,
            paid_on=data["paid_on"],
            amount_fen=form.amount_fen,
            voucher_no=data["voucher_no"],
        )
    if action == rules.RESPOND:
        return ladder.rectification_submit(
            case=case, actor=user, statement=data["statement"], files=data["files"]
        )
    return ladder.defence_submit(case=case, actor=user, kind=data["kind"], text=data["text"])


def _case_page(request, case: Case, *, action: str, form, status: int):
    from enforcement.views.cases import _detail_context

    context = _detail_context(request, case)
    context.update(ladder_context(request, case, bound_action=action, bound_form=form))
    return render(request, "enforcement/case_detail.html", context, status=status)


def _visible(user, pk: int) -> Case:
    try:
        return selectors.case_get(user=user, pk=pk)
    except Case.DoesNotExist:
        raise Http404(_("未找到该案件，或您无权查看。")) from None


@require_POST
@desk_required
def case_ladder_act(request, pk: int, action: str):
    """Apply one ladder step from the case page."""
    if action not in FORMS:
        raise Http404
    case = _visible(request.user, pk)
    if action == rules.DEFEND:
        notice = case.documents.filter(kind="penalty_notice", revoked_at__isnull=True).first()
        offered = bool(notice and notice.content.get("hearing_offered"))
        form = DefendForm(request.POST, hearing_offered=offered, auto_id=_ids(action))
    else:
        form = FORMS[action](request.POST, request.FILES, auto_id=_ids(action))
    if not form.is_valid():
        return _case_page(request, case, action=action, form=form, status=400)
    try:
        done = _run(action, case, request.user, form)
    except CaseRefused as refusal:
        form.add_error(None, refusal.message)
        status = 403 if refusal.code in FORBIDDEN else 400
        return _case_page(request, case, action=action, form=form, status=status)
    number = getattr(done, "number", "")
    messages.success(request, DONE[action] % {"number": number} if number else DONE[action])
    return redirect(f"{case.get_absolute_url()}#ladder")


@require_POST
@desk_required
def document_reissue(request, pk: int):
    """Revoke a document of the case's current rung and issue its correction."""
    document = Document.objects.select_related("case").filter(pk=pk).first()
    if document is None:
        raise Http404
    case = _visible(request.user, document.case_id)
    form = ReissueForm(request.POST, auto_id=_ids(rules.REVOKE))
    if not form.is_valid():
        return _case_page(request, case, action=rules.REVOKE, form=form, status=400)
    data = form.cleaned_data
    try:
        new = ladder.document_reissue(
            document=document,
            actor=request.user,
            reason=data["reason"],
            days=data["days"],
            amount_yuan=data["amount_yuan"],
            facts=data["facts"],
        )
    except CaseRefused as refusal:
        form.add_error(None, refusal.message)
        status = 403 if refusal.code in FORBIDDEN else 400
        return _case_page(request, case, action=rules.REVOKE, form=form, status=status)
    messages.success(request, DONE[rules.REVOKE] % {"number": new.number})
    return redirect(f"{case.get_absolute_url()}#ladder")


@desk_required
def attachment_download(request, pk: int):
    """Send a rectification's attachment to the case's readers (regulators, the addressee)."""
    from django.http import FileResponse

    attachment = (
        RectificationAttachment.objects.select_related("rectification__case").filter(pk=pk).first()
    )
    if attachment is None:
        raise Http404
    _visible(request.user, attachment.rectification.case_id)  # 404 unless the case is readable
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


urlpatterns = [
    path("cases/<int:pk>/ladder/<str:action>/", case_ladder_act, name="case_ladder_act"),
    path("documents/<int:pk>/reissue/", document_reissue, name="document_reissue"),
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
]
