"""Pack pages: the list, the digital identity page, registration and chain verification."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from batteries import selectors
from batteries.forms import PackRegisterForm, kind_label
from batteries.models import Battery, Channel
from batteries.services.chain import ChainReport, chain_verify
from batteries.services.events import ItemError
from batteries.services.packs import REGISTERING_ROLES, packs_register
from batteries.web.access import (
    acts_for_enterprise,
    approved_enterprise_required,
    regulator_required,
)
from batteries.web.display import code_segments
from batteries.web.filters import PackListFilterSet
from batteries.web.pagination import cursor, keyset_page, result_count
from common.battery_code import CHEMISTRY_LABELS, PRODUCT_TYPE_LABELS, parse_battery_code

PAGE_SIZE = 50

CHAIN_REASONS = {
    "prev_hash": _("该事件记录的“上一事件哈希”与上一事件的哈希不一致：事件被删除、插入或改动。"),
    "hash": _("该事件的内容与其哈希不符：事件在写入后被改动。"),
    "head": _("电池记录的最新哈希与事件链末端不一致：事件链末尾被删除或改动。"),
}


def visible_pack(user, code: str) -> Battery:
    """Return the pack the user may see, or raise Http404 (hidden and unknown look alike)."""
    try:
        return selectors.pack_get(user=user, code=code)
    except Battery.DoesNotExist:
        raise Http404(_("未找到该电池，或您无权查看。")) from None


def _label(battery: Battery) -> Battery:
    battery.chemistry_label = CHEMISTRY_LABELS.get(battery.chemistry, battery.chemistry)
    battery.product_type_label = PRODUCT_TYPE_LABELS.get(battery.product_type, "")
    return battery


@login_required
def pack_list(request):
    """List the visible packs, filtered, newest first, by keyset pages (never counted)."""
    show_province = request.user.is_regulator and not request.user.province
    filterset = PackListFilterSet(
        request.GET or None,
        queryset=selectors.pack_list(user=request.user),
        show_province=show_province,
    )
    page = keyset_page(
        filterset.qs,
        after=cursor(request.GET.get("after")),
        before=cursor(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    kept = [(k, v) for k, v in request.GET.items() if k not in {"after", "before"} and v]
    first = not (request.GET.get("after") or request.GET.get("before"))
    return render(
        request,
        "batteries/pack_list.html",
        {
            "count": result_count(filterset.qs, page, first_page=first),
            "form": filterset.form,
            "flow_summary": filterset.flow_summary(),
            "rows": [_label(b) for b in page.rows],
            "page": page,
            "next_query": urlencode([*kept, ("after", page.next_cursor or "")]),
            "prev_query": urlencode([*kept, ("before", page.prev_cursor or "")]),
            # "Export this list": the same filters, read by the export's pack_list table.
            "export_query": urlencode([("table", "pack_list"), *kept]),
            "can_report": acts_for_enterprise(request.user),
            "can_register": acts_for_enterprise(request.user)
            and bool(set(request.user.enterprise.roles) & REGISTERING_ROLES),
        },
    )


def lookup_url(request, code: str) -> str:
    """Return the absolute public lookup URL the pack's QR code points at."""
    return request.build_absolute_uri(f"{reverse('batteries:lookup')}?{urlencode({'code': code})}")


def _identity(battery: Battery) -> dict:
    """Return the decoded code and the pack's related units."""
    parsed = parse_battery_code(battery.code, today=timezone.localdate()).parsed
    segments = code_segments(parsed, manufacturer_name=battery.manufacturer.name) if parsed else []
    children = selectors.pack_children(battery=battery)
    return {
        "segments": segments,
        "children": children[:100],
        "more_children": len(children) > 100,
        "recoded": selectors.pack_recoded(battery=battery),
    }


def _visible_codes(user, codes: set[str]) -> set[str]:
    """Return which of the codes name packs the user may open (for links)."""
    if not codes:
        return set()
    return set(selectors.pack_list(user=user).filter(code__in=codes).values_list("code", flat=True))


def _actions(user, battery: Battery) -> list[tuple[str, str]]:
    if not acts_for_enterprise(user):
        return []
    kinds = selectors.pack_event_kinds(battery=battery, enterprise=user.enterprise)
    return [(kind, kind_label(kind)) for kind in kinds]


@login_required
def pack_detail(request, code: str):
    """Show a pack's digital identity: code, units, vehicle, holder, timeline, chain, QR."""
    battery = visible_pack(request.user, code)
    if battery.code != code:
        return redirect(battery)
    public_url = lookup_url(request, battery.code)
    events = list(selectors.pack_timeline(battery=battery))
    new_codes = {e.details["new_code"] for e in events if e.details.get("new_code")}
    return render(
        request,
        "batteries/pack_detail.html",
        {
            "battery": _label(battery),
            **_identity(battery),
            "events": events,
            "visible_new_codes": _visible_codes(request.user, new_codes),
            "bindings": selectors.pack_bindings(battery=battery),
            "handovers": selectors.pack_handovers(battery=battery),
            "chain": chain_verify(battery),
            "chain_reasons": CHAIN_REASONS,
            "qr_svg": segno.make(public_url, error="m").svg_inline(omitsize=True, dark="#1f2933"),
            "public_url": public_url,
            "actions": _actions(request.user, battery),
        },
    )


@regulator_required
def pack_verify(request, code: str):
    """Show the detailed hash-chain report of one pack (regulators)."""
    battery = visible_pack(request.user, code)
    report: ChainReport = chain_verify(battery)
    rows = []
    for event in selectors.pack_timeline(battery=battery):
        if report.ok or event.seq < report.broken_seq:
            status = "ok"
        elif event.seq == report.broken_seq:
            status = "broken"
        else:
            status = "unchecked"
        rows.append((event, status))
    return render(
        request,
        "batteries/pack_verify.html",
        {
            "battery": battery,
            "report": report,
            "reason": CHAIN_REASONS.get(report.reason, ""),
            "rows": rows,
        },
    )


def _precheck_codes(form: PackRegisterForm) -> None:
    """Say what the registration would say of the codes when another field failed.

    The service runs only on a valid form: without this, a wrong mass would hide every
    problem of the codes until the next round. It only reads; nothing is logged.
    """
    codes = form.cleaned_data.get("codes") or []
    if not codes:
        return
    errors = []
    reports = selectors.code_reports(codes=codes, today=timezone.localdate())
    for index, report in enumerate(reports):
        errors += [ItemError(index, "code", e.code, str(e)) for e in report.errors]
        if report.code_registered:
            message = _("电池编码已登记：%(code)s") % {"code": report.result.code}
            errors.append(ItemError(index, "code", "code.duplicate", str(message)))
    form.add_item_errors(errors)


@require_http_methods(["GET", "POST"])
@approved_enterprise_required
def pack_register(request):
    """Register one or many battery codes for the user's enterprise."""
    form = PackRegisterForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        _precheck_codes(form)
    elif request.method == "POST":
        result = packs_register(
            items=form.items(),
            reporter=request.user.enterprise,
            user=request.user,
            channel=Channel.WEB,
        )
        if result.ok:
            created = result.created
            messages.success(request, _("已登记%(n)s个电池编码。") % {"n": len(created)})
            return redirect(created[0] if len(created) == 1 else "batteries:pack_list")
        form.add_item_errors(result.errors)
    return render(
        request,
        "batteries/pack_register.html",
        {
            "form": form,
            "may_register": bool(set(request.user.enterprise.roles) & REGISTERING_ROLES),
        },
    )
