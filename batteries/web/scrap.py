"""Scrapped vehicles: the dismantler's report form, the scoped list and one record's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from batteries import selectors
from batteries.forms import ScrapForm
from batteries.models import Channel, ScrappedVehicle
from batteries.services.scrap import scrap_reporter_refusal, vehicles_scrap_record
from batteries.web.access import acts_for_enterprise, approved_enterprise_required
from batteries.web.events import warn_recorded
from batteries.web.filters import ScrapListFilterSet
from batteries.web.pagination import cursor, keyset_page, result_count

PAGE_SIZE = 50


def _may_report(user) -> bool:
    return acts_for_enterprise(user) and scrap_reporter_refusal(user.enterprise) is None


@require_GET
@login_required
def scrap_list(request):
    """List the visible scrapped-vehicle records, newest first (keyset pages, no count)."""
    filterset = ScrapListFilterSet(
        request.GET or None,
        queryset=selectors.scrap_list(user=request.user).prefetch_related("packs"),
    )
    page = keyset_page(
        filterset.qs,
        after=cursor(request.GET.get("after")),
        before=cursor(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    kept = [(k, v) for k, v in request.GET.items() if k not in {"after", "before"} and v]
    vehicle_ids = [record.vehicle_id for record in page.rows if record.vehicle_id]
    first = not (request.GET.get("after") or request.GET.get("before"))
    return render(
        request,
        "batteries/scrap_list.html",
        {
            "count": result_count(filterset.qs, page, first_page=first),
            "form": filterset.form,
            "rows": [_counted(record) for record in page.rows],
            "page": page,
            "next_query": urlencode([*kept, ("after", page.next_cursor or "")]),
            "prev_query": urlencode([*kept, ("before", page.prev_cursor or "")]),
            "may_report": _may_report(request.user),
            "show_dismantler": not request.user.enterprise_id,
            "vehicles_visible": selectors.vehicles_visible(user=request.user, ids=vehicle_ids),
        },
    )


def _counted(record: ScrappedVehicle) -> ScrappedVehicle:
    rows = record.packs.all()
    record.arrived_count = sum(row.arrived for row in rows)
    record.missing_count = len(rows) - record.arrived_count
    return record


@require_http_methods(["GET", "POST"])
@approved_enterprise_required
def scrap_report(request):
    """Report one scrapped vehicle; every problem of it is shown at once."""
    refusal = scrap_reporter_refusal(request.user.enterprise)
    if refusal:
        return render(
            request, "batteries/scrap_form.html", {"refusal": refusal[1], "form": None}, status=403
        )
    form = ScrapForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()  # parse only: the service decides, and reports every problem
        result = vehicles_scrap_record(
            items=[form.scrap_input()],
            reporter=request.user.enterprise,
            user=request.user,
            channel=Channel.WEB,
        )
        if result.ok and not form.errors:
            record = result.records[0]
            messages.success(
                request,
                _("已记录报废车辆 %(vin)s（%(no)s）。")
                % {"vin": record.vin, "no": record.certificate_no},
            )
            warn_recorded(request, result.warnings)
            return redirect("batteries:scrap_detail", certificate_no=record.certificate_no)
        form.add_service_errors(result.errors)
    status = 400 if request.method == "POST" else 200
    return render(request, "batteries/scrap_form.html", {"form": form}, status=status)


@require_GET
@login_required
def scrap_detail(request, certificate_no: str):
    """Show one scrapped vehicle: what came with it, and each pack's scrap event."""
    try:
        record = selectors.scrap_get(user=request.user, certificate_no=certificate_no)
    except ScrappedVehicle.DoesNotExist:
        raise Http404(_("未找到该报废车辆记录，或您无权查看。")) from None
    packs = list(selectors.scrap_packs(record=record))
    visible = selectors.packs_visible(user=request.user, ids=[row.battery_id for row in packs])
    return render(
        request,
        "batteries/scrap_detail.html",
        {
            "record": record,
            "packs": [(row, row.battery_id in visible) for row in packs],
            "hidden_missing": sum(1 for row in packs if row.battery_id not in visible),
            "vehicle_visible": bool(
                record.vehicle_id
                and selectors.vehicles_visible(user=request.user, ids=[record.vehicle_id])
            ),
        },
    )
