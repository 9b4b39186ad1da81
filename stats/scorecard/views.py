"""The inspection priority list of a province and month, and one enterprise's scorecard."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from common.identifiers import PROVINCES
from enforcement.sanctions.steps import yuan
from enterprises.scoping import scope_of
from enterprises.views.access import regulator_required
from stats.scorecard import display, selectors
from stats.scorecard.services import previous_month


def _month(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


@login_required
def priority_list(request):
    """Ranked enterprises of one province and month, each with the reasons for its rank."""
    user = request.user
    scope = scope_of(user)
    if scope.enterprise_id:
        return redirect("stats_scorecard:card", pk=scope.enterprise_id)
    if not user.is_regulator or scope.empty:
        raise PermissionDenied(_("仅限监管人员访问。"))
    months = selectors.months(scope)
    month = _month(request.GET.get("month"))
    month = month if month in months else (months[0] if months else None)
    provinces = selectors.provinces(scope, month) if month else []
    province = scope.province or request.GET.get("province", "")
    if province not in PROVINCES:  # first view: where the most urgent enterprise is
        province = selectors.most_urgent_province(scope, month) if month else ""
    rows = selectors.priority_list(scope, province=province, month=month) if month else []
    return render(
        request,
        "stats/scorecard/priority_list.html",
        {
            "months": months,
            "month": month,
            "province": province,
            "province_name": PROVINCES.get(province, ""),
            "provinces": [(code, PROVINCES[code]) for code in provinces],
            "national": scope.national,
            "built_at": selectors.built_at(scope, month) if month else None,
            "build_month": previous_month(timezone.localdate()),
            "rows": [
                {
                    "snapshot": s,
                    "reasons": display.reasons_text(s.reasons),
                    "rate": display.rate_text(s.figures),
                    "open_findings": s.figures.get("open_findings", 0),
                }
                for s in rows
            ],
        },
    )


@regulator_required
@require_POST
def build(request):
    """Queue the snapshot of a month now (national regulators; beat builds it monthly)."""
    if not scope_of(request.user).national:
        raise PermissionDenied(_("仅限工业和信息化部监管人员生成评分。"))
    from stats.scorecard.tasks import scorecard_monthly

    month = _month(request.POST.get("month")) or previous_month(timezone.localdate())
    scorecard_monthly.delay_on_commit(month.isoformat())
    messages.success(
        request,
        _("已提交 %(month)s 的评分生成任务，完成后刷新本页即可查看。")
        % {"month": f"{month:%Y-%m}"},
    )
    return redirect(f"{reverse('stats_scorecard:priority_list')}?month={month:%Y-%m}")


@login_required
def card(request, pk: int):
    """One enterprise's scorecard: the figures, the reasons, fines, disputes, mass balance."""
    scope = scope_of(request.user)
    enterprise = selectors.enterprise_for(scope, pk)
    snapshots = selectors.snapshots_of(enterprise)
    wanted = _month(request.GET.get("month"))
    current = next((s for s in snapshots if s.month == wanted), snapshots[0] if snapshots else None)
    fines = selectors.fines_of(enterprise)
    return render(
        request,
        "stats/scorecard/card.html",
        {
            "enterprise": enterprise,
            "regulator": request.user.is_regulator,
            "snapshot": current,
            "figures": current.figures if current else {},
            "balance": current.figures.get("balance") if current else None,
            "reasons": display.reasons_text(current.reasons) if current else [],
            "rate": display.rate_text(current.figures) if current else "—",
            "history": [{"snapshot": s, "rate": display.rate_text(s.figures)} for s in snapshots],
            "fines": [
                {
                    "case": case,
                    "fine": yuan(case.fine_fen),
                    "paid": yuan(min(case.paid_fen, case.fine_fen)),
                    "owed": yuan(max(case.fine_fen - case.paid_fen, 0)),
                    "overdue": case.status == "decided"
                    and case.due_on is not None
                    and case.due_on < timezone.localdate()
                    and case.paid_fen < case.fine_fen,
                }
                for case in fines
            ],
            "disputes": selectors.disputes_of(enterprise),
            "fine_totals": {
                key: yuan(current.figures.get(key, 0) if current else 0)
                for key in ("fined_fen", "paid_fen", "overdue_unpaid_fen")
            },
        },
    )
