"""Reporting events: the adaptive event form, corrections, the handover inbox."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from batteries import selectors
from batteries.forms import VOID, DisputeForm, EventForm, add_item_errors, kind_label
from batteries.models import Battery, Channel, EventKind, Handover
from batteries.services.corrections import CorrectionRefused, event_void
from batteries.services.events import EventInput, events_record
from batteries.web.access import approved_enterprise_required
from batteries.web.display import marked_chars
from common.battery_code import parse_battery_code
from common.identifiers import normalize_identifier

# The fields whose typed values survive a re-render when the kind or the code changes.
CARRIED = (
    "occurred_at",
    "counterparty_uscc",
    "vin",
    "outlet",
    "document_ref",
    "reason",
    "new_code",
    "declared_use",
)


def _pack_or_none(user, code: str) -> Battery | None:
    if not code:
        return None
    try:
        return selectors.pack_get(user=user, code=code)
    except Battery.DoesNotExist:
        return None


def _void(request, form: EventForm, battery: Battery | None):
    """Void the pack's latest event; return a redirect, or None with the error on the form."""
    latest = selectors.pack_latest_event(battery=battery) if battery else None
    if latest is None:
        form.add_error("code", _("未找到可更正的事件。"))
        return None
    try:
        event_void(
            event=latest,
            reporter=request.user.enterprise,
            user=request.user,
            reason=form.cleaned_data["reason"],
            channel=Channel.WEB,
        )
    except CorrectionRefused as refused:
        form.add_error("reason" if refused.code == "void.reason" else "kind", str(refused.message))
        return None
    messages.success(request, _("已更正：第%(seq)s号事件已作废。") % {"seq": latest.seq})
    return redirect(battery)


def _record(request, form: EventForm, battery: Battery | None):
    """Record the event; return a redirect, or None with the errors on the form."""
    result = events_record(
        items=[form.event_input()],
        reporter=request.user.enterprise,
        user=request.user,
        channel=Channel.WEB,
    )
    if not result.ok:
        add_item_errors(form, result.errors)
        return None
    event = result.events[0]
    messages.success(request, _("已上报“%(kind)s”事件。") % {"kind": kind_label(event.kind)})
    warn_recorded(request, result.warnings)
    return redirect("batteries:pack_detail", code=event.battery.code)


def warn_recorded(request, warnings) -> None:
    """Say beside the success what was recorded but will be examined by the regulator."""
    for warning in warnings:
        messages.warning(request, _("提示：%(message)s") % {"message": warning.message})


@require_http_methods(["GET", "POST"])
@approved_enterprise_required
def event_report(request):
    """Report one event on a pack; htmx swaps the fields when the code or the kind changes."""
    params = request.POST if request.method == "POST" else request.GET
    code = normalize_identifier(params.get("code", ""))
    code_check = _code_check(code)
    battery = _pack_or_none(request.user, code) if not _malformed(code_check) else None
    kinds = (
        []  # a code that cannot exist offers nothing to report
        if _malformed(code_check)
        else selectors.pack_event_kinds(battery=battery, enterprise=request.user.enterprise)
    )
    outlets = selectors.event_outlets(user=request.user)
    submitted = request.method == "POST" and "refresh" not in request.POST
    if submitted:
        form = EventForm(request.POST, kinds=kinds, outlets=outlets)
        if form.is_valid():
            act = _void if form.cleaned_data["kind"] == VOID else _record
            done = act(request, form, battery)
            if done:
                return done
    else:
        kind = params.get("kind", "")
        kind = kind if kind in kinds else ""
        initial = {"code": code, "kind": kind} | {k: params[k] for k in CARRIED if params.get(k)}
        form = EventForm(kinds=kinds, outlets=outlets, kind=kind, initial=initial)
    context = {
        "form": form,
        "battery": battery,
        "kind": form.selected_kind,
        "latest": selectors.pack_latest_event(battery=battery)
        if battery and form.selected_kind == VOID
        else None,
        "counterparty": _counterparty(params.get("counterparty_uscc", "")),
        "code_check": code_check,
    }
    if request.htmx and not submitted:
        return render(request, "batteries/_event_fields.html", context)
    return render(request, "batteries/event_form.html", context)


def _code_check(code: str) -> dict | None:
    """Check the code as typed (GB/T 34014), as the code-check page does; None if empty."""
    if not code:
        return None
    result = parse_battery_code(code, today=timezone.localdate())
    return {"result": result, "chars": marked_chars(result)}


def _malformed(check: dict | None) -> bool:
    return bool(check and check["result"].errors)


def _counterparty(uscc: str):
    uscc = normalize_identifier(uscc)
    return selectors.counterparty_lookup(uscc=uscc) if len(uscc) == 18 else None


@require_GET
@approved_enterprise_required
def counterparty_check(request):
    """Say who a USCC belongs to and whether it may receive used packs (htmx fragment)."""
    uscc = normalize_identifier(request.GET.get("counterparty_uscc", ""))
    return render(
        request,
        "batteries/_counterparty.html",
        {
            "uscc": uscc,
            "counterparty": _counterparty(uscc),
            "kind": request.GET.get("kind", ""),
        },
    )


def _inbox(request, *, forms=None, errors=None, status=200):
    handovers = list(selectors.handover_inbox(user=request.user))
    forms, errors = forms or {}, errors or {}
    rows = [
        (h, forms.get(h.pk) or DisputeForm(prefix=f"h{h.pk}"), errors.get(h.pk)) for h in handovers
    ]
    return render(request, "batteries/handover_inbox.html", {"rows": rows}, status=status)


@require_GET
@approved_enterprise_required
def handover_inbox(request):
    """List the open handovers the user's enterprise must confirm or dispute."""
    return _inbox(request)


@require_POST
@approved_enterprise_required
def handover_resolve(request, pk: int, action: str):
    """Confirm or dispute one handover addressed to the user's enterprise."""
    try:
        handover: Handover = selectors.handover_open_for(user=request.user, pk=pk)
    except Handover.DoesNotExist:
        messages.error(request, _("该移交记录不存在或已处理。"))
        return redirect("batteries:handover_inbox")
    details, kind = {}, EventKind.RECEIPT_CONFIRM
    if action == "dispute":
        form = DisputeForm(request.POST, prefix=f"h{pk}")
        if not form.is_valid():
            return _inbox(request, forms={pk: form}, status=400)
        details, kind = {"reason": form.cleaned_data["reason"]}, EventKind.RECEIPT_DISPUTE
    item = EventInput(
        code=handover.battery.code, kind=kind, occurred_at=timezone.now(), details=details
    )
    result = events_record(
        items=[item], reporter=request.user.enterprise, user=request.user, channel=Channel.WEB
    )
    if not result.ok:
        return _inbox(request, errors={pk: [str(e.message) for e in result.errors]}, status=400)
    done = (
        _("已确认接收电池 %(code)s。")
        if kind == EventKind.RECEIPT_CONFIRM
        else _("已对电池 %(code)s 的移交提出异议，电池退回移交方。")
    )
    messages.success(request, done % {"code": handover.battery.code})
    warn_recorded(request, result.warnings)
    return redirect(reverse("batteries:handover_inbox"))
