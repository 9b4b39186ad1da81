"""Demo packs of the demo battery producer (code D01), driven through the real services.

About 30 packs in every stage of life, with events spread over the last months so the
timelines read like real ones. Idempotent: nothing happens if the demo packs exist.
"""

import datetime as dt
import sys

from django.utils import timezone

from batteries.models import Battery, Channel, LifecycleEvent
from batteries.services.corrections import event_void
from batteries.services.events import EventInput, events_record
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from common.identifiers import make_vin
from enterprises.demo import demo_enterprise

MANUFACTURER = "D01"
TRACE = "XM26D01"  # the demo packs' traceability code: how a re-run recognises them
PACKS = 30

# Stage each demo pack is driven to, by index (the rest are sold).
STAGES = (
    ["registered"] * 3
    + ["produced"] * 2
    + ["delivered"] * 2
    + ["installed"] * 3
    + ["sold"] * 4
    + ["swap_pool", "swapped", "repair", "scrapped", "dismantled"]
    + ["handover_open", "handover_confirmed", "handover_disputed", "recycled", "recycled"]
    + ["repurposed", "corrected"]
    + ["sold"] * 4
)

# Each step: (kind, reporter key, extra fields); "{vin}" is replaced by the pack's VIN.
TO_SOLD = [
    ("produce", "battery", {}),
    ("deliver", "battery", {"counterparty_uscc": "vehicle"}),
    ("install", "vehicle", {"vin": "{vin}"}),
    ("sell", "vehicle", {}),
]
TO_DISMANTLED = [
    *TO_SOLD,
    ("scrap_vehicle", "dismantler", {"vin": "{vin}", "document_ref": "{scrap_doc}"}),
    ("dismantle", "dismantler", {}),
]
TO_HANDED_OVER = [
    *TO_DISMANTLED,
    ("handover", "dismantler", {"counterparty_uscc": "utilizer", "document_ref": "{handover_doc}"}),
]
TO_RECEIVED = [*TO_HANDED_OVER, ("receipt_confirm", "utilizer", {})]

SCENARIOS: dict[str, list] = {
    "registered": [],
    "produced": TO_SOLD[:1],
    "delivered": TO_SOLD[:2],
    "installed": TO_SOLD[:3],
    "sold": TO_SOLD,
    # A swap station or repairer, who cannot read the pack, names the vehicle it came from.
    "swap_pool": [*TO_SOLD, ("swap_in", "swap", {"vin": "{vin}"})],
    "swapped": [
        *TO_SOLD,
        ("swap_in", "swap", {"vin": "{vin}"}),
        ("swap_out", "swap", {"vin": "{swap_vin}"}),
    ],
    "repair": [
        *TO_SOLD,
        ("remove_for_repair", "swap", {"vin": "{vin}", "document_ref": "WX-2026-0815"}),
    ],
    "scrapped": TO_DISMANTLED[:5],
    "dismantled": TO_DISMANTLED,
    "handover_open": TO_HANDED_OVER,
    "handover_confirmed": TO_RECEIVED,
    "handover_disputed": [
        *TO_HANDED_OVER,
        (
            "receipt_dispute",
            "utilizer",
            {"details": {"reason": "实收电池包外壳破损，与移交单记载不符"}},
        ),
    ],
    "recycled": [*TO_RECEIVED, ("recycle", "utilizer", {})],
    "repurposed": [
        *TO_RECEIVED,
        (
            "repurpose",
            "utilizer",
            {"details": {"new_code": "{new_code}", "declared_use": "通信基站备用电源"}},
        ),
    ],
    "corrected": [*TO_SOLD[:2]],  # the delivery is then voided
}


def _unambiguous(day: dt.date) -> dt.date:
    """Return the date, moved back into days 1-26: codes for days 27-31 differ by source."""
    return day - dt.timedelta(days=5) if day.day > 26 else day


def _code(index: int, today: dt.date) -> str:
    produced = _unambiguous(today - dt.timedelta(days=320 - index * 2))
    return make_battery_code(
        manufacturer=MANUFACTURER,
        battery_type="E" if index % 3 == 0 else "B",
        spec="A2" if index % 3 == 0 else "01",
        trace=TRACE,
        produced=produced,
        serial=90001 + index,
    )


def _fill(value, slots: dict):
    if isinstance(value, dict):
        return {k: _fill(v, slots) for k, v in value.items()}
    return value.format(**slots) if isinstance(value, str) else value


def _drive(battery: Battery, steps: list, parties: dict, start: dt.datetime, slots: dict):
    """Record the steps one by one, a few days apart, each reported a few hours later."""
    when = start
    for number, (kind, reporter, fields) in enumerate(steps):
        when += dt.timedelta(days=3 + (battery.pk + number) % 9, hours=number % 5)
        fields = _fill(fields, slots)
        if fields.get("counterparty_uscc") in parties:
            fields["counterparty_uscc"] = parties[fields["counterparty_uscc"]].uscc
        result = events_record(
            items=[EventInput(code=battery.code, kind=kind, occurred_at=when, **fields)],
            reporter=parties[reporter],
            channel=Channel.WEB,
            now=when + dt.timedelta(hours=2 + number % 20),
        )
        if not result.ok:
            raise RuntimeError(
                f"demo {battery.code} {kind}: {[str(e.message) for e in result.errors]}"
            )
    return when


def seed() -> list[tuple[str, str, str]]:
    """Create the demo packs and their histories; return no extra logins."""
    if Battery.objects.filter(manufacturer_code=MANUFACTURER, trace_code=TRACE).exists():
        _print_examples()
        return []
    parties = {
        key: demo_enterprise(key)
        for key in ("battery", "vehicle", "dismantler", "utilizer", "swap")
    }
    now = timezone.now()
    today = timezone.localdate(now)
    registered_at = now - dt.timedelta(days=150)
    codes = [_code(i, today) for i in range(PACKS)]
    result = packs_register(
        items=[PackInput(code=c, mass_kg=420 + i, capacity_wh=62000) for i, c in enumerate(codes)],
        reporter=parties["battery"],
        channel=Channel.WEB,
        now=registered_at,
    )
    if not result.ok:
        raise RuntimeError(f"demo registration: {[str(e.message) for e in result.errors]}")
    _register_modules(codes[8], parties["battery"], today, registered_at)
    batteries = {b.code: b for b in Battery.objects.filter(code__in=codes)}
    for index, (code, stage) in enumerate(zip(codes, STAGES, strict=True)):
        battery = batteries[code]
        slots = {
            "vin": make_vin("LDP31B96", f"N{index:07d}"),
            # The swapped pack goes into the vehicle the previous pack was swapped out of.
            "swap_vin": make_vin("LDP31B96", f"N{max(index - 1, 0):07d}"),
            "scrap_doc": f"BF3205{today.year}{index:05d}",
            "handover_doc": f"YJ-{today.year}-{index:04d}",
            "new_code": make_battery_code(
                manufacturer=MANUFACTURER,
                # Dated before the backdated repurposing report, or it would be "in the future".
                produced=_unambiguous(registered_at.date()),
                serial=index,
                repurposed=True,
            ),
        }
        last = _drive(battery, SCENARIOS[stage], parties, registered_at, slots)
        if stage == "corrected":
            _void_latest(battery, parties["battery"], last)
    _print_examples()
    return []


def _register_modules(pack_code: str, producer, today: dt.date, registered_at) -> None:
    modules = [
        make_battery_code(
            manufacturer=MANUFACTURER,
            product_type="M",
            trace=TRACE,
            produced=_unambiguous(today - dt.timedelta(days=330)),
            serial=95001 + n,
        )
        for n in range(4)
    ]
    packs_register(
        items=[PackInput(code=code, parent_code=pack_code) for code in modules],
        reporter=producer,
        channel=Channel.WEB,
        now=registered_at,
    )


def _void_latest(battery: Battery, reporter, last: dt.datetime) -> None:
    battery.refresh_from_db()
    event = LifecycleEvent.objects.get(battery=battery, seq=battery.last_seq)
    event_void(
        event=event,
        reporter=reporter,
        reason="交付对象填错，应交付另一家整车企业",
        channel=Channel.WEB,
        now=last + dt.timedelta(hours=5),
    )


def _print_examples() -> None:
    packs = Battery.objects.filter(manufacturer_code=MANUFACTURER, trace_code=TRACE)
    examples = {
        "已再生利用": packs.filter(state="recycled").order_by("pk").first(),
        "待接收确认的移交": packs.filter(state="handed_over").order_by("pk").first(),
        "已更正（作废交付事件）": packs.filter(events__kind="void").order_by("pk").first(),
    }
    sys.stdout.write("演示电池包 / Demo packs to try:\n")
    for label, battery in examples.items():
        if battery is not None:
            sys.stdout.write(f"  {battery.code}  {label}  {battery.get_absolute_url()}\n")
