"""Regulator screens: review queue, registry, enterprise detail with history, coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from enterprises import rules, selectors
from enterprises.filters import EnterpriseFilterSet
from enterprises.forms import ReviewForm
from enterprises.services.enterprises import enterprise_review
from enterprises.views.access import regulator_required

PAGE_SIZE = 50


def _filtered_page(request, data, ordering: list[str]):
    # Enterprises number in the thousands: an exact count for the paginator is cheap here.
    filterset = EnterpriseFilterSet(data, queryset=selectors.enterprise_list(user=request.user))
    queryset = filterset.qs.order_by(*ordering) if filterset.is_valid() else filterset.qs.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return filterset, page, query.urlencode()


@regulator_required
def review_list(request):
    """Show the queue of applications, oldest first (pending ones unless filtered otherwise)."""
    data = request.GET.copy()
    data.setdefault("status", "pending")
    filterset, page, query = _filtered_page(request, data, ["created_at", "pk"])
    return render(
        request,
        "enterprises/review_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "counts": selectors.review_queue_counts(user=request.user),
        },
    )


@regulator_required
def enterprise_list(request):
    """Show the registry of enterprises in the regulator's scope."""
    filterset, page, query = _filtered_page(request, request.GET.copy(), ["name", "pk"])
    return render(
        request,
        "enterprises/enterprise_list.html",
        {"filter": filterset, "page": page, "query": query},
    )


def _detail_context(request, enterprise, form=None) -> dict:
    actions = rules.enterprise_actions_allowed(status=enterprise.status)
    return {
        "enterprise": enterprise,
        "whitelist": selectors.enterprise_whitelist(enterprise=enterprise),
        "outlets": selectors.enterprise_outlets(enterprise=enterprise),
        "history": selectors.enterprise_history(enterprise=enterprise),
        "can_review": request.user.has_perm("enterprises.review_enterprise"),
        "actions": [(a, rules.REVIEW_ACTIONS[a], rules.review_reason_required(a)) for a in actions],
        "form": form or ReviewForm(),
    }


@regulator_required
def enterprise_detail(request, pk: int):
    """Show everything about one enterprise, its history and the review buttons."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(
        request, "enterprises/enterprise_detail.html", _detail_context(request, enterprise)
    )


@require_POST
@regulator_required
def enterprise_review_action(request, pk: int):
    """Apply one review action (approve, reject, suspend, reinstate) with its reason."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            enterprise = enterprise_review(
                enterprise=enterprise,
                actor=request.user,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, field_errors in errors.items():
                form.add_error("reason" if field == "reason" else None, field_errors)
        else:
            messages.success(
                request,
                _("已将“%(name)s”的状态变更为“%(status)s”，并已通知企业管理员。")
                % {"name": enterprise.name, "status": enterprise.get_status_display()},
            )
            return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    context = _detail_context(request, enterprise, form)
    return render(request, "enterprises/enterprise_detail.html", context, status=400)


@login_required
def enterprise_document(request, pk: int):
    """Send the supporting document to a regulator in scope or to the enterprise's own users."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    if not enterprise.supporting_document:
        raise Http404(_("该企业没有上传证明材料。"))
    document = enterprise.supporting_document
    return FileResponse(
        document.open("rb"), as_attachment=False, filename=document.name.rsplit("/", 1)[-1]
    )


@login_required
def enterprise_coverage(request, pk: int):
    """Show, per producer, the provinces or prefectures with and without an active outlet."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(
        request,
        "enterprises/coverage.html",
        {
            "enterprise": enterprise,
            "sections": selectors.enterprise_coverage(enterprise=enterprise),
        },
    )
