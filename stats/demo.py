"""Demo history for the statistics: packs produced, sold, retired and recycled month by month
over the last 15 months, so every dashboard shows a trend right after `make run`; then a full
rebuild of the rollups (this app's demo runs after those of enterprises, batteries and
enforcement, so their packs, cases and fines are counted too).

Idempotent: the history is created once (recognised by its traceability code).
"""

import datetime as dt

from django.utils import timezone

from batteries.demo import MANUFACTURER, SCENARIOS, _drive, _unambiguous
from batteries.models import Battery, Channel
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from common.identifiers import make_vin
from enterprises.demo import demo_enterprise

TRACE = "ST26D01"
MONTHS = 15
PER_MONTH = 5
# What each month's packs go through; a scenario that would end in the future is cut short.
CYCLE = ["sold", "recycled", "handover_confirmed", "repurposed", "dismantled", "repair", "sold"]
DAYS_PER_STEP = 12  # _drive spaces the steps 3–11 days apart


def _months_ago(today: dt.date, n: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def seed() -> list[tuple[str, str, str]]:
    """Create the dated history once, then rebuild every rollup."""
    from stats.refresh import full_rebuild

    if not Battery.objects.filter(manufacturer_code=MANUFACTURER, trace_code=TRACE).exists():
        _history()
    full_rebuild()
    return []


def _history() -> None:
    parties = {
        key: demo_enterprise(key)
        for key in ("battery", "vehicle", "dismantler", "utilizer", "swap")
    }
    now = timezone.now()
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    for month_back in range(MONTHS, 0, -1):
        first = _months_ago(today, month_back)
        for n in range(PER_MONTH):
            index = (MONTHS - month_back) * PER_MONTH + n
            start = dt.datetime.combine(first + dt.timedelta(days=2 + n * 4), dt.time(9), zone)
            stage = CYCLE[(index + month_back) % len(CYCLE)]
            steps = SCENARIOS[stage]
            while steps and start + dt.timedelta(days=DAYS_PER_STEP * len(steps) + 1) > now:
                steps = steps[:-1]
            _pack(index, start, steps, parties)


def _pack(index: int, start: dt.datetime, steps: list, parties: dict) -> None:
    produced = _unambiguous(start.date() - dt.timedelta(days=3))
    code = make_battery_code(
        manufacturer=MANUFACTURER,
        battery_type="E" if index % 3 == 0 else "B",
        spec="A2" if index % 3 == 0 else "01",
        trace=TRACE,
        produced=produced,
        serial=95001 + index,
    )
    result = packs_register(
        items=[PackInput(code=code, mass_kg=400 + index % 50, capacity_wh=60000)],
        reporter=parties["battery"],
        channel=Channel.WEB,
        now=start - dt.timedelta(days=1),
    )
    if not result.ok:
        raise RuntimeError(f"stats demo registration: {[str(e.message) for e in result.errors]}")
    slots = {
        "vin": make_vin("LDP31B97", f"S{index:07d}"),
        "swap_vin": make_vin("LDP31B97", f"S{index:07d}"),
        "scrap_doc": f"BF3206{start.year}{index:05d}",
        "handover_doc": f"YJS-{start.year}-{index:04d}",
        "new_code": make_battery_code(
            manufacturer=MANUFACTURER, produced=produced, serial=5000 + index, repurposed=True
        ),
    }
    _drive(result.created[0], steps, parties, start, slots)
