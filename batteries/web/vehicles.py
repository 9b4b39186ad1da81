"""The vehicle page: producer, packs installed now, bindings over time, scrap records."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from batteries import selectors
from batteries.models import Vehicle
from common.identifiers import normalize_vin, validate_vin


def visible_vehicle(user, vin: str) -> Vehicle:
    """Return the vehicle the user may see, or raise Http404 (hidden and unknown look alike)."""
    try:
        return selectors.vehicle_get(user=user, vin=vin)
    except Vehicle.DoesNotExist:
        raise Http404(_("未找到该车辆，或您无权查看。")) from None


@require_GET
@login_required
def vehicle_detail(request, vin: str):
    """Show one vehicle, scoped like packs: visible to its producer, the parties of its packs
    and the regulators in scope; packs the user may not read are counted, never named."""
    vehicle = visible_vehicle(request.user, vin)
    if vehicle.vin != vin:
        return redirect("batteries:vehicle_detail", vin=vehicle.vin)
    bindings = list(selectors.vehicle_bindings(vehicle=vehicle))
    records = list(selectors.vehicle_scrap_records(vehicle=vehicle))
    visible = selectors.packs_visible(
        user=request.user,
        ids=[b.battery_id for b in bindings]
        + [row.battery_id for record in records for row in record.packs.all()],
    )
    openable = set(
        selectors.scrap_list(user=request.user)
        .filter(pk__in=[record.pk for record in records])
        .values_list("pk", flat=True)
    )
    shown = [b for b in bindings if b.battery_id in visible]
    return render(
        request,
        "batteries/vehicle_detail.html",
        {
            "vehicle": vehicle,
            "check_digit_ok": not validate_vin(normalize_vin(vehicle.vin)),
            "installed": [b.battery for b in shown if b.unbound_at is None],
            "bindings": shown,
            "hidden_bindings": len(bindings) - len(shown),
            "records": [(record, record.pk in openable, _arrivals(record)) for record in records],
        },
    )


def _arrivals(record) -> dict:
    rows = record.packs.all()
    return {
        "arrived": sum(row.arrived for row in rows),
        "missing": sum(not row.arrived for row in rows),
    }
