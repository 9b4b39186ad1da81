"""Benchmark the violation scans: planted violations per rule, found vs planted, seconds.

    .venv/bin/python -m bench scans [--sizes 100000,300000,1000000] [--rebuild]
                                    [--explain RULE]

For each size a dedicated database `bench_scans_<size>` on the embedded server (migrated;
kept between runs unless --rebuild or the generator changed) is loaded by set-based SQL
with a national data set: 42 enterprises of every role across 17 provinces (battery and
vehicle producers and importers with 124 recycling outlets in some provinces /
prefectures and not in others, dealers, repair shops, swap operators, dismantlers,
utilizers, outlet operators),
N packs with valid GB/T 34014 codes and ~3.4 lifecycle events each (register, produce,
deliver, install + binding, sell; repairs, swaps, scrapping → dismantling → handover →
receipt → recycling or repurposing), vehicles with valid VINs, handovers, scrapped-vehicle
records, rejected codes and ~N/10 rows of the commerce authorities' scrapped-vehicle
register. Every pack follows one scripted life (a profile, chosen by a hash of its number):
most are compliant — reported within a few days, handed over and confirmed in time, sold
where the producer has an outlet —, some are compliant but close (reported 18 days late
under a 30-day rule, a multi-role reporter judged by its most lenient row, a deadline that
falls on `as_of` itself), and ~5 % carry violations of every rule of
enforcement/scans/specs.py (~51,000 findings at 1M packs). The first 38 packs are edge cases
dated with common.calendar.WorkingCalendar: deadlines across the Spring Festival, Labour
Day and National Day, the regime switch on 2026-04-01, deadlines ending on `as_of` or the
working day before, what occurred at 23:59:59 of `as_of` or at 00:00 the day after.

The generator writes what it planted (rule, enterprise held responsible, subject) into
`bench_planted`; after the scans the findings are compared with it row by row, so a rule
that finds the right number of the wrong things shows too.

Then a Django process runs `scan_run(as_of=2026-11-30, started_by="bench")` twice (the
second run must create nothing) and the table per size shows, per rule, planted vs found,
the rows each query examined, and the seconds of the first run and the re-run; case
grouping (`cases_group`, timed on its own inside scan_run) on its own line; then where
each rule's seconds go (the candidates query, the findings query, the writes). A growth
table across sizes ends the run. The machine's load average is printed beside the
seconds: other work on the two cores shows in them.

`--explain RULE` prints EXPLAIN ANALYZE of the rule's two queries on the largest size.
The lifecycle events' hashes are placeholders (scans do not verify chains) and the access
table (read scope) is not loaded: no scan reads it.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, replace

from bench.api import (
    PYTHON,
    ROOT,
    database_exists,
    database_recreate,
    database_url,
    django_run,
    print_table,
    server_env,
    socket_dir,
)

# Bump when the data set changes: a database loaded by another version is reloaded.
GENERATOR_VERSION = 6
AS_OF = dt.date(2026, 11, 30)
TZ = "Asia/Shanghai"
CUTOFF = f"{AS_OF + dt.timedelta(days=1)} 00:00:00+08"  # the start of the day after as_of
WINDOW_START = dt.date(2025, 12, 1)  # outlet coverage: sales of the 365 days before the cutoff
TARGET_TOTAL_S = 10.0  # all rules over 1,000,000 packs
BLOCK = 10_000  # packs per producer batch
DEFAULT_SIZES = "100000,300000,1000000"
RULES = (
    "scrapped_pack_not_handed_over",
    "vehicle_scrapped_without_pack",
    "handover_to_unqualified_receiver",
    "handover_not_confirmed",
    "late_reporting",
    "coding_violation",
    "outlet_coverage_gap",
    "prohibited_reuse",
)


# --- Enterprises and outlets --------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    key: str
    name: str
    division: str
    roles: tuple[str, ...]


def _parties() -> list[Party]:
    def group(prefix: str, label: str, role: str, divisions: str) -> list[Party]:
        return [
            Party(f"{prefix}{i}", f"基准{label}{i + 1}", division, (role,))
            for i, division in enumerate(divisions.split())
        ]

    return [
        *group(
            "bp",
            "电池",
            "battery_producer",
            "350902 320506 440307 340104 420106 510107",
        ),
        Party("bp6", "基准电池进口", "310115", ("battery_importer",)),
        *group("vp", "汽车", "vehicle_producer", "440307 310115 340104 500112"),
        # A vehicle producer whose only outlet is closed: not a qualified receiver, and no sales.
        Party("vpx", "基准汽车（网点已关闭）", "130102", ("vehicle_producer",)),
        # Imports vehicles with these packs; its sales are reported by the dealers.
        Party("vi0", "基准汽车进口", "310115", ("vehicle_importer",)),
        *group(
            "dealer",
            "汽车销售",
            "dealer",
            "440106 440307 320506 320115 330106 110105 510107 420106 370202 610113",
        ),
        # Sold only before the 12-month window of the coverage rule.
        Party("old_dealer", "基准汽车销售（旧）", "450103", ("dealer",)),
        *group("repair", "维修", "repair_shop", "320506 440106"),
        *group("swap", "换电", "swap_operator", "110105 310115"),
        *group(
            "dis",
            "拆解",
            "dismantler",
            "320506 440106 330106 410105 510107 370202",
        ),
        # Two roles: its handovers are judged by the more lenient outlet-operator row.
        Party("dis_op", "基准拆解兼回收网点运营", "430181", ("dismantler", "outlet_operator")),
        *group("utl", "综合利用", "utilizer", "430181 360502 350902 440307"),
        *group("op", "回收网点运营", "outlet_operator", "320115 440106"),
        # Runs only a closed outlet: not a qualified receiver (it can still confirm receipts).
        Party("opc", "基准回收网点运营（已关闭）", "410105", ("outlet_operator",)),
    ]


PARTIES = _parties()
IDS = {party.key: index + 1 for index, party in enumerate(PARTIES)}
BY_KEY = {party.key: party for party in PARTIES}
BPS = [f"bp{i}" for i in range(7)]
VPS = [f"vp{i}" for i in range(4)]
DEALERS = [f"dealer{i}" for i in range(10)]
DISMANTLERS = [f"dis{i}" for i in range(6)]
UTILIZERS = [f"utl{i}" for i in range(4)]
MFR_CODES = [f"S0{i + 1}" for i in range(7)]
UNKNOWN_DISMANTLER_USCC_SEED = 9999  # a register dismantler the portal does not know

# Outlet coverage: the areas where packs and vehicles are sold (dealers and the vehicle
# producers that report sales themselves), and the gaps planted in them.
SALE_DIVISIONS = [BY_KEY[k].division for k in DEALERS + VPS]
SALES_PROVINCES = sorted({d[:2] for d in SALE_DIVISIONS})
PROVINCE_GAPS = {"bp1": {"61"}, "bp2": {"61", "50"}, "bp3": {"50"}, "bp4": {"50"}, "bp6": {"37"}}
PREFECTURE_GAPS = {"vp1": {"3201"}, "vp2": {"6101", "3702"}, "vp3": {"3201"}, "vi0": {"4403"}}


def _vp_prefectures(vp: str) -> list[str]:
    return sorted({BY_KEY[k].division[:4] for k in DEALERS} | {BY_KEY[vp].division[:4]})


def _division_in(area: str) -> str:
    return next(d for d in SALE_DIVISIONS if d.startswith(area))


def outlets() -> list[tuple]:
    """Return (id, owner, operator, division, status) of every outlet."""
    rows = []

    def add(owner, division, status="active", operator=None):
        rows.append((len(rows) + 1, owner, operator, division, status))

    for bp in BPS:
        for province in SALES_PROVINCES:
            if province in PROVINCE_GAPS.get(bp, set()):
                continue
            operator = {("bp0", "32"): "op0", ("bp2", "44"): "op1", ("bp0", "50"): "bp4"}.get(
                (bp, province)
            )
            add(bp, _division_in(province), operator=operator)
    add("bp3", "500112", status="closed")  # a closed outlet does not cover its province
    add("bp5", "450103")  # an outlet where nothing is sold: no finding either way
    add("bp1", "410105", status="closed", operator="opc")
    for vp in VPS:
        for prefecture in _vp_prefectures(vp):
            if prefecture not in PREFECTURE_GAPS.get(vp, set()):
                add(vp, _division_in(prefecture))
    for prefecture in sorted({BY_KEY[k].division[:4] for k in DEALERS} - PREFECTURE_GAPS["vi0"]):
        add("vi0", _division_in(prefecture))
    add("vp1", "320506")  # same province as its gap 3201, another prefecture
    add("vpx", "130102", status="closed")
    return rows


def coverage_planted() -> list[tuple[str, str, str]]:
    """Return (producer key, level, area) of every planted coverage gap."""
    gaps = [(bp, "province", area) for bp, areas in PROVINCE_GAPS.items() for area in areas]
    gaps += [(vp, "prefecture", area) for vp, areas in PREFECTURE_GAPS.items() for area in areas]
    return sorted(gaps)


# --- Profiles: the scripted life of a pack --------------------------------------------------------

# Party keys resolved per pack (columns of the temporary table `pk`); any other key names one
# enterprise of PARTIES.
PACK_KEYS = ("mfr", "vp", "dealer", "seller", "dis", "utl", "utl2", "op", "repair", "swap")
TARGET = {
    "register": "registered",
    "produce": "produced",
    "deliver": "delivered",
    "install": "installed",
    "sell": "sold",
    "swap_in": "in_swap_pool",
    "remove_for_repair": "removed",
    "outlet_intake": "at_outlet",
    "scrap_vehicle": "vehicle_scrapped",
    "dismantle": "dismantled",
    "recycle": "recycled",
    "repurpose": "repurposed",
}
NEW_HOLDER = {
    "register": "by",
    "deliver": "to",
    "swap_in": "by",
    "remove_for_repair": "by",
    "outlet_intake": "by",
    "scrap_vehicle": "by",
    "receipt_confirm": "by",
}
UNBINDS = {"swap_in", "remove_for_repair", "dismantle"}
ALLOWED_USES = ["储能电站", "通信基站备用电源", "低速观光车", "家庭储能"]
PROHIBITED_USES = ["电动自行车", "E-Bike 换电电池", "低速电动两轮车", "电瓶车"]


@dataclass(frozen=True)
class Step:
    """One event of a profile (or, kinds starting with #, a record of another table).

    Dates: `off` days after the pack's base day, or the absolute day `on` (the event occurs at
    10:00 Beijing time), or the absolute time `occ`; reported `delay` days later, two hours
    later in the day, or at the absolute time `at`.
    `plant`: the findings this step is evidence of (see PLANT_SQL).
    """

    kind: str
    off: int = 0
    delay: int = 1
    by: str = ""
    to: str | None = None
    on: dt.date | None = None
    at: str | None = None
    occ: str | None = None  # absolute occurred_at (timestamptz literal), for the cutoff edges
    veh: str | None = None  # install: "own" (the pack's vehicle) or "pair" (the previous pack's)
    rec: str | None = None  # scrap record created with this step (its pack status)
    register: str | None = None  # "dis": a register entry naming `by`; "nodis": unknown dismantler
    register_at: str | None = None  # imported_at (default: 20 days after the scrapping)
    first: bool = False  # a receipt reported before the giver's handover
    uses: tuple[str, ...] = ()  # repurpose: declared uses (one picked per pack)
    plant: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    name: str
    steps: list[Step]
    rate: int = 0  # slots of 10,000 (bulk profiles)
    base: dt.date | None = None  # edge profiles: a fixed base day
    swap: bool = False  # its vehicle is a swap model
    count: int = 1  # edge profiles: packs with this profile


def S(kind: str, off: int = 0, **kw) -> Step:
    return Step(kind, off, **kw)


def life(upto=5, *, sell_by="seller", sell_delay=3, install_delay=2, shift=0, pair=False, vp="vp"):
    steps = [
        S("register", shift, delay=0, by="mfr"),
        S("produce", shift + 3, by="mfr"),
        S("deliver", shift + 10, by="mfr", to=vp),
        S("install", shift + 20, delay=install_delay, by=vp, veh="pair" if pair else "own"),
        S("sell", shift + 30, delay=sell_delay, by=sell_by),
    ]
    return steps[:upto]


def scrap(off=60, *, by="dis", rec="arrived", register="dis", plant=(), on=None):
    """The scrapping (with its record and register entry) and the dismantling 3 days later."""
    later = {"on": on + dt.timedelta(days=3)} if on else {}
    return [
        S("scrap_vehicle", off, delay=2, by=by, rec=rec, register=register, plant=plant, on=on),
        S("dismantle", off + 3, by=by, **later),
    ]


def H(off, by, to, **kw):
    return S("handover", off, by=by, to=to, **kw)


def R(off, by, **kw):
    return S("receipt_confirm", off, by=by, **kw)


def recycle(off, by="utl", **kw):
    return S("recycle", off, by=by, delay=kw.pop("delay", 3), **kw)


SCRAP_OK = [*life(), *scrap(), H(66, "dis", "utl"), R(70, "utl"), recycle(100, delay=5)]
REPAIR = [
    *life(),
    S("remove_for_repair", 50, delay=3, by="repair"),
    S("outlet_intake", 55, delay=2, by="op"),
    H(60, "op", "utl"),
    R(63, "utl"),
    recycle(90),
]
SWAP = [*life(), S("swap_in", 50, by="swap"), H(70, "swap", "utl"), R(73, "utl"), recycle(100)]


def _with(steps: list[Step], index: int, **changes) -> list[Step]:
    steps = list(steps)
    steps[index] = replace(steps[index], **changes)
    return steps


def bulk_profiles() -> list[Profile]:
    """The profiles assigned by hash, with their share of 10,000 slots."""
    normal = [
        Profile("registered", life(1), 3500),
        Profile("produced", life(2), 2000),
        Profile("delivered", life(3), 800),
        Profile("installed", life(4), 600),
        Profile("sold", life(5), 1300),
        # Imported vehicles, sold by the dealers.
        Profile("sold_imported", life(5, vp="vi0", sell_by="dealer"), 100),
        # Reported 18 days after the sale by the vehicle producer (30 working days): examined
        # by the late-reporting scan, not late.
        Profile("sold_slow_report", life(5, sell_by="vp", sell_delay=18), 150),
        # Sold in 2025, before the coverage window, by a dealer in a province without outlets.
        Profile("sold_2025", life(5, sell_by="old_dealer", shift=-330), 150),
        Profile("scrapped_recycled", SCRAP_OK, 350),
        Profile("scrapped_no_record", _with(SCRAP_OK, 5, rec=None), 60),
        Profile("scrapped_not_in_register", _with(SCRAP_OK, 5, register=None), 60),
        Profile(
            "scrapped_via_outlet",
            [
                *life(),
                *scrap(),
                H(66, "dis", "mfr"),
                R(69, "mfr"),
                H(90, "mfr", "utl"),
                R(94, "utl"),
                recycle(120),
            ],
            80,
        ),
        Profile(
            "scrapped_via_operator",
            [
                *life(),
                *scrap(),
                H(66, "dis", "op"),
                R(69, "op"),
                H(90, "op", "utl"),
                R(94, "utl"),
                recycle(120),
            ],
            60,
        ),
        Profile("repaired_recycled", REPAIR, 100),
        Profile("swapped_recycled", SWAP, 80, swap=True),
        Profile(
            "receipt_reported_first",
            [
                *life(),
                *scrap(),
                R(66, "utl", delay=0, first=True, to="dis"),
                H(66, "dis", "utl", delay=5),
                recycle(100),
            ],
            80,
        ),
        Profile(
            "repurposed",
            [*SCRAP_OK[:-1], S("repurpose", 100, delay=5, by="utl", uses=tuple(ALLOWED_USES))],
            60,
        ),
        # A register entry whose dismantler is not in the portal: not judged.
        Profile(
            "register_unknown_dismantler",
            [*life(), S("#register", 60, by="dis", register="nodis")],
            8,
        ),
        # Two roles: the handover reported 25 days late is within the outlet operator's
        # 30 working days (the most lenient row applies).
        Profile(
            "multi_role_slow_report",
            [*life(), *scrap(by="dis_op"), H(66, "dis_op", "utl", delay=25), R(93, "utl")],
            8,
        ),
    ]
    late = ("late",)
    violations = [
        Profile("late_install", _with(life(4), 3, delay=75, plant=late), 25),
        Profile("late_install_by_importer", _with(life(4, vp="vi0"), 3, delay=75, plant=late), 5),
        Profile("late_sale_by_producer", _with(life(5, sell_by="vp"), 4, delay=75, plant=late), 25),
        # No deadline row for a dealer's sale report: never late.
        Profile("late_sale_by_dealer", life(5, sell_by="dealer", sell_delay=75), 20),
        Profile("late_receipt", _with(_with(SCRAP_OK, 8, delay=75, plant=late), 9, off=150), 20),
        Profile("late_recycle", _with(SCRAP_OK, 9, delay=75, plant=late), 15),
        Profile(
            "late_intake",
            [
                *REPAIR[:6],
                S("outlet_intake", 55, delay=75, by="op", plant=late),
                H(135, "op", "utl"),
                R(138, "utl"),
                recycle(160),
            ],
            15,
        ),
        Profile(
            "late_removal",
            [
                *life(),
                S("remove_for_repair", 50, delay=75, by="repair", plant=late),
                S("outlet_intake", 128, by="op"),
                H(133, "op", "utl"),
                R(136, "utl"),
            ],
            12,
        ),
        # Handed over in time, reported 75 days later; confirmed after the report.
        Profile(
            "late_handover_report",
            [*life(), *scrap(), H(66, "dis", "utl", delay=75, plant=late), R(143, "utl")],
            15,
        ),
        # Handovers reported late by an outlet operator and by a battery producer at its
        # outlet (30 working days each), confirmed after the report. (Not an importer: the
        # seeded rows give importers no handover deadline.)
        Profile(
            "late_handover_report_by_operator",
            [*REPAIR[:7], H(60, "op", "utl", delay=75, plant=late), R(137, "utl")],
            5,
        ),
        Profile(
            "late_handover_report_by_producer",
            [
                *life(),
                *scrap(),
                H(66, "dis", "bp0"),
                R(69, "bp0"),
                H(90, "bp0", "utl", delay=75, plant=late),
                R(167, "utl"),
            ],
            5,
        ),
        # The scrapping reported 75 days late; dismantled and handed over after the report,
        # so also after the handover deadline counted from the scrapping.
        Profile(
            "late_scrap_report",
            [
                *life(),
                S(
                    "scrap_vehicle",
                    60,
                    delay=75,
                    by="dis",
                    rec="arrived",
                    register="dis",
                    plant=("late", "scr"),
                ),
                S("dismantle", 136, by="dis"),
                H(137, "dis", "utl"),
                R(139, "utl"),
            ],
            5,
        ),
        Profile(
            "late_repurpose_report",
            [
                *SCRAP_OK[:-1],
                S("repurpose", 100, delay=75, by="utl", uses=tuple(ALLOWED_USES), plant=late),
            ],
            5,
        ),
        Profile("scrap_never_handed_over", [*life(), *scrap(plant=("scr",))], 30),
        Profile(
            "scrap_handed_over_late",
            [*life(), *scrap(plant=("scr",)), H(110, "dis", "utl"), R(113, "utl"), recycle(140)],
            25,
        ),
        # In the register only: the dismantler never reported the scrapping to the portal.
        Profile(
            "register_scrap_not_reported",
            [*life(), S("#register", 60, by="dis", register="dis", plant=("scr",))],
            25,
        ),
        # A dealer can neither receive a used pack nor confirm it.
        Profile(
            "handed_to_dealer",
            [*life(), *scrap(plant=("scr",)), H(66, "dis", "dealer", plant=("unq", "nc"))],
            10,
        ),
        Profile(
            "handed_to_producer_without_outlet",
            [*life(), *scrap(plant=("scr",)), H(66, "dis", "vpx", plant=("unq",)), R(69, "vpx")],
            8,
        ),
        Profile(
            "handed_to_closed_outlet_operator",
            [*life(), *scrap(plant=("scr",)), H(66, "dis", "opc", plant=("unq",)), R(69, "opc")],
            6,
        ),
        # Passed on to a utilizer within the dismantler's deadline: only the unqualified
        # handover is a finding (cured).
        Profile(
            "unqualified_then_passed_on",
            [
                *life(),
                *scrap(),
                H(66, "dis", "vpx", plant=("unq",)),
                R(68, "vpx"),
                H(71, "vpx", "utl"),
                R(74, "utl"),
            ],
            8,
        ),
        # The handover in time was voided (wrong receiver typed); the new one came too late.
        Profile(
            "voided_then_late",
            [
                *life(),
                *scrap(plant=("scr",)),
                H(66, "dis", "utl"),
                S("void", 67, by="dis"),
                H(110, "dis", "utl2"),
                R(113, "utl2"),
                recycle(140, by="utl2"),
            ],
            8,
        ),
        # A handover to a dealer, voided: the voided event is no longer judged.
        Profile(
            "voided_unqualified",
            [
                *life(),
                *scrap(),
                H(66, "dis", "dealer"),
                S("void", 67, by="dis"),
                H(68, "dis", "utl"),
                R(70, "utl"),
                recycle(100),
            ],
            8,
        ),
        Profile(
            "handover_never_confirmed", [*life(), *scrap(), H(66, "dis", "utl", plant=("nc",))], 25
        ),
        Profile(
            "handover_confirmed_late",
            [*life(), *scrap(), H(66, "dis", "utl", plant=("nc",)), R(150, "utl")],
            25,
        ),
        Profile(
            "dispute_unsettled",
            [
                *life(),
                *scrap(),
                H(66, "dis", "utl", plant=("dsp",)),
                S("receipt_dispute", 69, by="utl"),
            ],
            12,
        ),
        Profile(
            "dispute_settled_late",
            [
                *life(),
                *scrap(),
                H(66, "dis", "utl", plant=("dsp",)),
                S("receipt_dispute", 69, by="utl"),
                H(150, "dis", "utl2"),
                R(152, "utl2"),
            ],
            12,
        ),
        Profile(
            "dispute_settled",
            [
                *life(),
                *scrap(),
                H(66, "dis", "utl"),
                S("receipt_dispute", 69, by="utl"),
                H(75, "dis", "utl2"),
                R(77, "utl2"),
            ],
            10,
        ),
        Profile(
            "swap_pack_to_repair_shop",
            [*life(), S("swap_in", 50, by="swap"), H(70, "swap", "repair", plant=("unq", "nc"))],
            12,
            swap=True,
        ),
        # The dismantler reports the vehicle arrived without its (still bound) pack.
        Profile(
            "scrapped_without_pack",
            [
                *life(),
                S("#record", 60, delay=2, by="dis", rec="missing", register="dis", plant=("wop",)),
            ],
            15,
        ),
        # In the register only, after its pack was removed for repair.
        Profile(
            "register_vehicle_without_pack",
            [*REPAIR, S("#register", 70, by="dis", register="dis", plant=("wop",))],
            15,
        ),
        # Swap models are exempt: the pack belongs to the swap pool.
        Profile(
            "swap_model_register_without_pack",
            [*SWAP, S("#register", 70, by="dis", register="dis")],
            8,
            swap=True,
        ),
        Profile(
            "swap_model_record_without_pack",
            [*SWAP, S("#record", 70, by="dis", rec="missing", register="dis")],
            5,
            swap=True,
        ),
        Profile(
            "prohibited_reuse",
            [
                *SCRAP_OK[:-1],
                S("repurpose", 100, delay=5, by="utl", uses=tuple(PROHIBITED_USES), plant=("prh",)),
            ],
            15,
        ),
    ]
    profiles = normal + violations
    total = sum(p.rate for p in profiles)
    assert total == 10_000, total
    return profiles


def edge_profiles() -> list[Profile]:
    """Cases at deadline edges, dated with the working-day calendar (a few packs each)."""
    from common.calendar import WorkingCalendar

    cal = WorkingCalendar()
    wd = cal.add_working_days
    day = dt.timedelta(days=1)

    def cd(start: dt.date, days: int) -> dt.date:
        """A period in calendar days ending on a rest day ends on the next working day."""
        due = start + dt.timedelta(days=days)
        while not cal.is_working(due):
            due += day
        return due

    def noon(d: dt.date) -> str:
        return f"{d} 12:00:00+08"

    def late_if(flag):
        return ("late",) if flag else ()

    base = dt.date(2026, 1, 5)
    out: list[Profile] = []

    def edge(name, steps, **kw):
        out.append(Profile(f"edge_{name}", steps, base=kw.pop("base", base), **kw))

    # Reporting deadlines of installations: 15 working days across the Spring Festival
    # (2018 provisions), and the regime switch (15 working days on 03-31, 20 days on 04-01).
    for occurred, days, unit in (
        (dt.date(2026, 2, 10), 15, "working"),
        (dt.date(2026, 3, 31), 15, "working"),
        (dt.date(2026, 4, 1), 20, "calendar"),
    ):
        due = wd(occurred, days) if unit == "working" else cd(occurred, days)
        for late in (False, True):
            edge(
                f"install_{occurred}_{'late' if late else 'on_due'}",
                [
                    *life(3),
                    S(
                        "install",
                        on=occurred,
                        at=noon(due + day * late),
                        by="vp",
                        veh="own",
                        plant=late_if(late),
                    ),
                ],
            )
    assert wd(dt.date(2026, 3, 31), 15) >= cd(dt.date(2026, 4, 1), 20) + day  # the switch bites

    # A receipt report under 30 calendar days (Order No. 73) ending on National Day.
    received = dt.date(2026, 9, 1)
    due = cd(received, 30)
    assert due > received + dt.timedelta(days=30)  # extended off the holiday
    for late in (False, True):
        edge(
            f"receipt_report_national_day_{'late' if late else 'on_due'}",
            [
                *life(),
                *scrap(on=dt.date(2026, 8, 20)),
                H(0, "dis", "utl", on=dt.date(2026, 8, 28), delay=0),
                R(0, "utl", on=received, at=noon(due + day * late), plant=late_if(late)),
            ],
        )

    # The headline rule: 15 working days from a scrapping across Labour Day.
    scrapped = dt.date(2026, 4, 28)
    due = wd(scrapped, 15)
    for late in (False, True):
        edge(
            f"handover_labour_day_{'late' if late else 'on_due'}",
            [
                *life(),
                S(
                    "scrap_vehicle",
                    on=scrapped,
                    delay=0,
                    by="dis",
                    rec="arrived",
                    register="dis",
                    plant=("scr",) if late else (),
                ),
                S("dismantle", on=scrapped + day, delay=0, by="dis"),
                H(0, "dis", "utl", on=due + day * late, delay=0),
                R(0, "utl", on=due + day * late + day, delay=0),
            ],
        )

    # Confirmation deadlines: 30 calendar days ending on National Day; 30 working days
    # across the Spring Festival and its make-up Saturdays (2018); the regime switch.
    for told, days, unit in (
        (dt.date(2026, 9, 1), 30, "calendar"),
        (dt.date(2026, 1, 20), 30, "working"),
    ):
        due = wd(told, days) if unit == "working" else cd(told, days)
        for late in (False, True):
            edge(
                f"confirm_{told}_{'late' if late else 'on_due'}",
                [
                    *life(),
                    *scrap(on=told - 10 * day),
                    H(0, "dis", "utl", on=told, delay=0, plant=("nc",) if late else ()),
                    R(0, "utl", on=due + day * late, delay=0),
                ],
            )
    received = cd(dt.date(2026, 4, 1), 30) + day
    assert received <= wd(dt.date(2026, 3, 31), 30)
    for told, late in ((dt.date(2026, 3, 31), False), (dt.date(2026, 4, 1), True)):
        edge(
            f"confirm_regime_switch_{told}",
            [
                *life(),
                *scrap(on=dt.date(2026, 3, 20)),
                H(0, "dis", "utl", on=told, delay=0, plant=("nc",) if late else ()),
                R(0, "utl", on=received, delay=0),
            ],
        )

    # The receiver's deadline counts from the day it was told (the handover's report).
    occurred, told, received = dt.date(2026, 6, 1), dt.date(2026, 6, 20), dt.date(2026, 7, 15)
    assert told <= wd(occurred, 15) and cd(occurred, 30) < received <= cd(told, 30)
    edge(
        "confirm_counts_from_report",
        [
            *life(),
            *scrap(on=dt.date(2026, 5, 25)),
            H(0, "dis", "utl", on=occurred, at=noon(told)),
            R(0, "utl", on=received, delay=0),
        ],
    )

    # Deadlines ending on as_of are not missed yet; ending the working day before, they are.
    def latest_start(due_of, missed: bool) -> dt.date:
        starts = (AS_OF - day * k for k in range(1, 90))
        return next(d for d in starts if (due_of(d) < AS_OF if missed else due_of(d) == AS_OF))

    on_as_of = latest_start(lambda d: wd(d, 15), False)
    before = latest_start(lambda d: wd(d, 15), True)
    for start, missed in ((on_as_of, False), (before, True)):
        edge(
            f"scrap_due_{'before' if missed else 'on'}_as_of",
            [
                *life(),
                S(
                    "scrap_vehicle",
                    on=start,
                    delay=0,
                    by="dis",
                    rec="arrived",
                    plant=("scr",) if missed else (),
                ),
                S("dismantle", on=start + day, delay=0, by="dis"),
            ],
        )
    told_on = latest_start(lambda d: cd(d, 30), False)
    told_before = latest_start(lambda d: cd(d, 30), True)
    for told, missed in ((told_on, False), (told_before, True)):
        edge(
            f"confirm_due_{'before' if missed else 'on'}_as_of",
            [
                *life(),
                *scrap(on=told - 10 * day),
                H(0, "dis", "utl", on=told, delay=0, plant=("nc",) if missed else ()),
            ],
        )
        edge(
            f"dispute_due_{'before' if missed else 'on'}_as_of",
            [
                *life(),
                *scrap(on=told - 14 * day),
                H(0, "dis", "utl", on=told - 6 * day, delay=0, plant=("dsp",) if missed else ()),
                S("receipt_dispute", on=told, delay=0, by="utl"),
            ],
        )

    # The cutoff: what occurred by 23:59:59 of as_of is judged, on everything known now (a
    # sale reported five days after as_of is late); what occurred at 00:00 the next day is not.
    edge(
        "sale_reported_after_as_of",
        [
            *life(4),
            S("sell", on=dt.date(2026, 9, 1), at=noon(AS_OF + 5 * day), by="vp", plant=("late",)),
        ],
    )
    for occurred, counted in ((f"{AS_OF} 23:59:59+08", True), (CUTOFF, False)):
        tag = "before" if counted else "at"
        edge(
            f"record_scrapped_{tag}_cutoff",
            [
                *life(),
                S(
                    "#record",
                    occ=occurred,
                    by="dis",
                    rec="missing",
                    plant=("wop",) if counted else (),
                ),
            ],
        )
        edge(
            f"handover_to_dealer_{tag}_cutoff",  # scrapped 5 days before: not due yet
            [
                *life(),
                *scrap(on=AS_OF - 5 * day),
                H(0, "dis", "dealer", occ=occurred, plant=("unq",) if counted else ()),
            ],
        )
        edge(
            f"prohibited_repurpose_{tag}_cutoff",
            [
                *SCRAP_OK[:-1],
                S(
                    "repurpose",
                    occ=occurred,
                    by="utl",
                    uses=("电动自行车",),
                    plant=("prh",) if counted else (),
                ),
            ],
        )
    for scrapped_on, counted in ((AS_OF, True), (AS_OF + day, False)):
        edge(
            f"register_without_pack_scrapped_{'on' if counted else 'after'}_as_of",
            [
                *life(),
                S("remove_for_repair", on=AS_OF - 20 * day, by="repair"),
                S(
                    "#register",
                    on=scrapped_on,
                    by="dis",
                    register="dis",
                    plant=("wop",) if counted else (),
                ),
            ],
        )

    # Two roles: reported 20 working days after the handover — late for a dismantler (15),
    # in time for an outlet operator (30).
    handed = dt.date(2026, 6, 1)
    for who, late in (("dis_op", False), ("dis0", True)):
        reported = wd(handed, 20)
        edge(
            f"handover_report_20_working_days_{who}",
            [
                *life(),
                *scrap(on=dt.date(2026, 5, 28), by=who),
                H(0, who, "utl", on=handed, at=noon(reported), plant=late_if(late)),
                R(0, "utl", on=reported + 2 * day, delay=0),
            ],
        )

    # The register's scrapping on the day the pack was removed: bound that day (and handed
    # over in time: nothing); removed the day before: the vehicle came without it.
    scrapped = dt.date(2026, 6, 10)
    for removed, plant in ((scrapped, ()), (scrapped - day, ("wop",))):
        edge(
            f"register_scrap_pack_removed_{'same_day' if not plant else 'day_before'}",
            [
                *life(),
                S("remove_for_repair", on=removed, delay=0, by="repair"),
                S("outlet_intake", on=scrapped + 2 * day, delay=0, by="op"),
                H(0, "op", "utl", on=scrapped + 5 * day, delay=0),
                R(0, "utl", on=scrapped + 7 * day, delay=0),
                S("#register", on=scrapped, by="dis", register="dis", plant=plant),
            ],
        )

    # A vehicle with two packs that arrived with one: the partner pack (next number) is
    # recorded as missing.
    edge(
        "partial_arrived",
        [
            *life(),
            S("scrap_vehicle", on=dt.date(2026, 7, 1), delay=0, by="dis1", rec="partial"),
            S("dismantle", on=dt.date(2026, 7, 2), delay=0, by="dis1"),
            H(0, "dis1", "utl", on=dt.date(2026, 7, 6), delay=0),
            R(0, "utl", on=dt.date(2026, 7, 8), delay=0),
        ],
    )
    edge(
        "partial_missing",
        [
            *life(pair=True),
            S("#recpack", on=dt.date(2026, 7, 1), delay=0, by="dis1", plant=("wop",)),
        ],
    )
    return out


def compile_profile(profile: Profile) -> list[dict]:
    """Turn a profile into script rows: states, holders, bindings and handover pairs filled in."""
    rows: list[dict] = []
    state = holder = vehicle = None
    binding = open_handover = first_receipt = None
    before: dict[int, tuple] = {}
    seq = 0
    for index, step in enumerate(profile.steps):
        before[index] = (state, holder, vehicle)
        row = {
            "profile": profile.name,
            "step": index,
            "seq": None,
            "kind": step.kind,
            "off": step.off,
            "on_date": step.on,
            "occ_ts": step.occ,
            "delay": step.delay,
            "at_ts": step.at,
            "by_key": step.by,
            "to_key": step.to,
            "holder_key": None,
            "state": None,
            "state_before": None,
            "veh_key": None,
            "unbind_step": None,
            "ho_status": None,
            "ho_res": None,
            "ho_void": None,
            "voids_step": None,
            "rec_status": None,
            "recpack": None,
            "reg": step.register,
            "reg_at": step.register_at,
            "swap_model": profile.swap,
            "uses": list(step.uses) or None,
            "plants": list(step.plant),
            "last": False,
            "final_veh": None,
        }
        rows.append(row)
        kind = step.kind
        if kind == "#record":
            row.update(rec_status=step.rec, veh_key="own")
            row["recpack"] = "missing" if vehicle == "own" else None
            continue
        if kind == "#recpack":
            assert vehicle, profile.name
            row.update(veh_key=vehicle, recpack="missing")
            continue
        if kind == "#register":
            row["veh_key"] = "own"
            continue
        seq += 1
        row["seq"] = seq
        if kind == "void":
            voided = max(i for i, r in enumerate(rows[:-1]) if r["kind"] == "handover")
            state, holder, vehicle = before[voided]
            rows[voided].update(ho_status="voided", ho_void=index)
            row["voids_step"], open_handover = voided, None
        elif kind == "receipt_dispute":
            handover = rows[open_handover]
            handover.update(ho_status="disputed", ho_res=index)
            state, holder = handover["state_before"], handover["by_key"]
            open_handover = None
        elif kind == "receipt_confirm":
            if open_handover is not None:
                rows[open_handover].update(ho_status="confirmed", ho_res=index)
                open_handover = None
            else:
                assert step.first, profile.name
                first_receipt = index
            state, holder = "received", step.by
        elif kind == "handover" and first_receipt is not None:
            row.update(
                ho_status="confirmed", ho_res=first_receipt, state_before=before[first_receipt][0]
            )
            first_receipt = None
        elif kind == "handover":
            row.update(ho_status="open", state_before=state)
            open_handover, state = index, "handed_over"
        else:
            state = TARGET[kind]
            holder = {"by": step.by, "to": step.to}.get(NEW_HOLDER.get(kind), holder)
        if kind == "install":
            vehicle, binding = step.veh, index
            row["veh_key"] = vehicle
        elif kind in UNBINDS or kind == "scrap_vehicle":
            row["veh_key"] = vehicle
            if kind in UNBINDS and binding is not None:
                rows[binding]["unbind_step"], binding, vehicle = index, None, None
        if kind == "scrap_vehicle":
            assert row["veh_key"], profile.name
            row["rec_status"] = step.rec
            row["recpack"] = "arrived" if step.rec else None
        row.update(state=state, holder_key=holder)
    last = max(i for i, r in enumerate(rows) if r["seq"] is not None)
    rows[last].update(last=True, final_veh=vehicle)
    assert len(rows) <= 16, profile.name
    return rows


def script_rows(profiles: list[Profile]) -> list[dict]:
    rows = [row for profile in profiles for row in compile_profile(profile)]
    for row in rows:
        for key in ("by", "to", "holder"):
            value = row.pop(f"{key}_key")
            constant = value is not None and value not in PACK_KEYS
            if constant:
                assert value in IDS, value
            row[f"{key}_id"] = IDS[value] if constant else None
            row[f"{key}_key"] = None if constant else value
    return rows


SCRIPT_COLUMNS = {
    "profile": "text",
    "step": "int",
    "seq": "int",
    "kind": "text",
    "off": "int",
    "on_date": "date",
    "occ_ts": "timestamptz",
    "delay": "int",
    "at_ts": "timestamptz",
    "by_key": "text",
    "by_id": "bigint",
    "to_key": "text",
    "to_id": "bigint",
    "holder_key": "text",
    "holder_id": "bigint",
    "state": "text",
    "state_before": "text",
    "veh_key": "text",
    "unbind_step": "int",
    "ho_status": "text",
    "ho_res": "int",
    "ho_void": "int",
    "voids_step": "int",
    "rec_status": "text",
    "recpack": "text",
    "reg": "text",
    "reg_at": "timestamptz",
    "swap_model": "bool",
    "uses": "text[]",
    "plants": "text[]",
    "last": "bool",
    "final_veh": "text",
}


# --- Loading -------------------------------------------------------------------------------------


def _mix(expr: str, seed: int) -> str:
    """A 32-bit integer hash of `expr` (bigint arithmetic, no overflow)."""
    x = f"(({expr})::bigint * 2654435761 + {seed}) % 4294967296"
    x = f"((({x}) >> 16) # ({x})) * 73244475 % 4294967296"
    x = f"((({x}) >> 16) # ({x})) * 73244475 % 4294967296"
    return f"((({x}) >> 16) # ({x}))"


def _array(keys: list[str]) -> str:
    return f"ARRAY[{', '.join(str(IDS[k]) for k in keys)}]::bigint[]"


def _party(column: str) -> str:
    whens = " ".join(f"WHEN '{k}' THEN pk.{k}" for k in PACK_KEYS)
    return f"CASE {column} {whens} END"


VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_PREFIX = "LBSENCH0"  # WMI + VDS; position 9 is the check digit, 10 the model year (T)


def vin_function_sql() -> str:
    """pg_temp.bench_vin(serial, plants): a valid VIN, check digit computed in SQL.

    Positions 10–17: model year T, the plant (the `plants` letter of serial / 1,000,000), six
    serial digits.
    """
    from common.identifiers import VIN_TRANSLITERATION, VIN_WEIGHTS

    constant = sum(
        VIN_TRANSLITERATION[c] * w for c, w in zip(VIN_PREFIX, VIN_WEIGHTS[:8], strict=True)
    )
    constant += VIN_TRANSLITERATION["T"] * VIN_WEIGHTS[9]
    values = ", ".join(str(VIN_TRANSLITERATION[c]) for c in VIN_ALPHABET)
    digits = " + ".join(f"substr(s, {i + 1}, 1)::int * {VIN_WEIGHTS[11 + i]}" for i in range(6))
    return f"""
        CREATE FUNCTION pg_temp.bench_vin(serial bigint, plants text) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
            SELECT '{VIN_PREFIX}'
                   || CASE total % 11 WHEN 10 THEN 'X' ELSE (total % 11)::text END
                   || 'T' || plant || s
            FROM (SELECT plant, s,
                         {constant} + (ARRAY[{values}])[strpos('{VIN_ALPHABET}', plant)]
                           * {VIN_WEIGHTS[10]} + {digits} AS total
                  FROM (SELECT substr(plants, (serial / 1000000)::int + 1, 1) AS plant,
                               lpad((serial % 1000000)::text, 6, '0') AS s) AS parts) AS summed
        $$
    """


PACK_PLANTS = "ABCDEFGH"  # VINs of the packs' vehicles (serial = pack number)


def _cert(vehicle_id: str) -> str:
    return f"'BF' || lpad(({vehicle_id})::text, 10, '0')"


def pk_sql(count: int) -> str:
    """The temporary table of packs: profile, base day and parties, chosen by hashes."""
    hp, hq = _mix("n", 40503), _mix("n", 7)
    return f"""
        CREATE TEMP TABLE pk AS
        SELECT n, COALESCE(ea.profile, sl.profile) AS profile,
               COALESCE(ea.base, date '2026-01-05' + ((hq / 38400) % 140)::int) AS base,
               ({_array(BPS)})[(n / {BLOCK}) % 7 + 1] AS mfr,
               (ARRAY{MFR_CODES})[(n / {BLOCK}) % 7 + 1] AS mfr_code,
               ({_array(VPS)})[hq % 4 + 1] AS vp,
               ({_array(DEALERS)})[(hq / 4) % 10 + 1] AS dealer,
               CASE WHEN (hq / 40) % 5 = 0 THEN ({_array(VPS)})[hq % 4 + 1]
                    ELSE ({_array(DEALERS)})[(hq / 4) % 10 + 1] END AS seller,
               ({_array(DISMANTLERS)})[(hq / 200) % 6 + 1] AS dis,
               ({_array(UTILIZERS)})[(hq / 1200) % 4 + 1] AS utl,
               ({_array(UTILIZERS)})[(hq / 1200 + 1) % 4 + 1] AS utl2,
               ({_array(["op0", "op1"])})[(hq / 4800) % 2 + 1] AS op,
               ({_array(["repair0", "repair1"])})[(hq / 9600) % 2 + 1] AS repair,
               ({_array(["swap0", "swap1"])})[(hq / 19200) % 2 + 1] AS swap,
               (hq / 5376000) % 12 AS pick,
               CASE WHEN n % 3 = 0 THEN 'E' ELSE 'B' END AS battery_type
        FROM (SELECT n, {hp} % 10000 AS slot, {hq} AS hq
              FROM generate_series(0, {count - 1}) AS n) AS g
        LEFT JOIN edge_assign ea USING (n)
        LEFT JOIN slots sl ON ea.n IS NULL AND sl.slot = g.slot
    """


EV_SQL = f"""
    CREATE TEMP TABLE ev AS
    SELECT pk.n, s.step, s.seq, s.kind, pk.profile, pk.n::bigint * 16 + s.step + 1 AS id,
           o.occurred,
           COALESCE(s.at_ts, o.occurred + s.delay * interval '1 day' + interval '2 hours')
               AS reported,
           COALESCE(s.by_id, {_party("s.by_key")}) AS reporter_id,
           COALESCE(s.to_id, {_party("s.to_key")}) AS counterparty_id,
           COALESCE(s.holder_id, {_party("s.holder_key")}) AS holder_id,
           s.state, s.state_before,
           CASE s.veh_key WHEN 'own' THEN pk.n + 1 WHEN 'pair' THEN pk.n END AS vehicle_id,
           CASE s.final_veh WHEN 'own' THEN pk.n + 1 WHEN 'pair' THEN pk.n END
               AS final_vehicle_id,
           pk.n::bigint * 16 + s.unbind_step + 1 AS unbind_id,
           pk.n::bigint * 16 + s.ho_res + 1 AS res_id,
           pk.n::bigint * 16 + s.ho_void + 1 AS void_id,
           pk.n::bigint * 16 + s.voids_step + 1 AS voids_id,
           s.ho_status, s.rec_status, s.recpack, s.reg, s.reg_at, s.swap_model, s.plants,
           s.last,
           CASE WHEN s.uses IS NOT NULL THEN jsonb_build_object(
               'declared_use', s.uses[1 + pk.pick % cardinality(s.uses)],
               'new_code', 'R' || pk.mfr_code || lpad(pk.n::text, 10, '0'))
           ELSE '{{}}'::jsonb END AS details
    FROM pk JOIN script s USING (profile)
    CROSS JOIN LATERAL (
        SELECT COALESCE(s.occ_ts, (COALESCE(s.on_date, pk.base + s.off) + time '10:00')
                                  AT TIME ZONE '{TZ}') AS occurred) AS o
"""

BATTERIES_SQL = """
    INSERT INTO batteries_battery (
        id, code, product_type, battery_type, chemistry, spec_code, trace_code,
        production_date, serial, manufacturer_code, manufacturer_id, mass_kg, capacity_wh,
        state, holder_id, vehicle_id, last_seq, last_hash, last_occurred_at, registered_at,
        updated_at)
    SELECT pk.n + 1,
           pk.mfr_code || 'P' || pk.battery_type || '01A1B2C3D'
             || substr('ABCDEFGHJKLMNPRST', extract(year FROM p.produced)::int - 2019, 1)
             || substr('123456789ABC', extract(month FROM p.produced)::int, 1)
             || substr('123456789ABCDEFGHJKLMNPRSTUVWXY', extract(day FROM p.produced)::int, 1)
             || lpad(pk.n::text, 7, '0'),
           'P', pk.battery_type, CASE pk.battery_type WHEN 'E' THEN 'ternary' ELSE 'lfp' END,
           '01', 'A1B2C3D', p.produced, lpad(pk.n::text, 7, '0'), pk.mfr_code, pk.mfr, 420,
           75000, e.state, e.holder_id, e.final_vehicle_id, e.seq, md5(e.id::text),
           e.occurred, r.occurred, e.reported
    FROM pk
    JOIN ev e ON e.n = pk.n AND e.last
    JOIN ev r ON r.n = pk.n AND r.step = 0
    CROSS JOIN LATERAL (SELECT (r.occurred AT TIME ZONE 'Asia/Shanghai')::date - 5 AS produced) p
    ORDER BY pk.n
"""

VEHICLES_SQL = f"""
    INSERT INTO batteries_vehicle (id, vin, producer_id, model_name, is_swap_model, created_at)
    SELECT e.vehicle_id, pg_temp.bench_vin(e.n, '{PACK_PLANTS}'), e.reporter_id, '基准车型',
           e.swap_model, e.occurred
    FROM ev e WHERE e.kind = 'install' AND e.vehicle_id = e.n + 1
    ORDER BY e.vehicle_id
"""

EVENTS_SQL = f"""
    INSERT INTO batteries_lifecycleevent (
        id, battery_id, seq, kind, occurred_at, reported_at, reporter_id, counterparty_id,
        vehicle_id, outlet_id, document_ref, channel, details, state_after, holder_after_id,
        voids_id, prev_hash, hash)
    SELECT e.id, e.n + 1, e.seq, e.kind, e.occurred, e.reported, e.reporter_id,
           e.counterparty_id, e.vehicle_id, CASE e.kind WHEN 'outlet_intake' THEN o.id END,
           CASE e.kind WHEN 'scrap_vehicle' THEN {_cert("e.vehicle_id")} ELSE '' END,
           (ARRAY['api', 'import', 'web'])[(e.n + e.step) % 3 + 1], e.details, e.state,
           e.holder_id, e.voids_id, '', md5(e.id::text)
    FROM ev e
    LEFT JOIN outlet_of o ON e.kind = 'outlet_intake' AND o.enterprise_id = e.reporter_id
    WHERE e.seq IS NOT NULL
    ORDER BY e.reported, e.id  -- stored as they arrive: a pack's events lie far apart
"""

BINDINGS_SQL = """
    INSERT INTO batteries_vehiclebinding (
        id, battery_id, vehicle_id, bound_at, unbound_at, bound_by_id, unbound_by_id)
    SELECT b.id, b.n + 1, b.vehicle_id, b.occurred, u.occurred, b.id, u.id
    FROM ev b LEFT JOIN ev u ON u.n = b.n AND u.id = b.unbind_id
    WHERE b.kind = 'install'
    ORDER BY b.id
"""

HANDOVERS_SQL = """
    INSERT INTO batteries_handover (
        id, battery_id, giver_id, receiver_id, handover_event_id, resolution_event_id,
        state_before, status, handed_over_at, resolved_at)
    SELECT h.id, h.n + 1, h.reporter_id, h.counterparty_id, h.id, r.id, h.state_before,
           h.ho_status, h.occurred, COALESCE(r.occurred, v.reported)
    FROM ev h
    LEFT JOIN ev r ON r.n = h.n AND r.id = h.res_id
    LEFT JOIN ev v ON v.n = h.n AND v.id = h.void_id
    WHERE h.kind = 'handover'
    ORDER BY h.id
"""

RECORDS_SQL = f"""
    INSERT INTO batteries_scrappedvehicle (
        id, certificate_no, vin, vehicle_id, dismantler_id, scrapped_at, pack_status, note,
        channel, reported_at)
    SELECT e.vehicle_id, {_cert("e.vehicle_id")},
           pg_temp.bench_vin(e.vehicle_id - 1, '{PACK_PLANTS}'), e.vehicle_id, e.reporter_id,
           e.occurred, e.rec_status, '', 'web', e.reported
    FROM ev e WHERE e.rec_status IS NOT NULL
    ORDER BY e.vehicle_id
"""

RECORD_PACKS_SQL = """
    INSERT INTO batteries_scrappedvehiclepack (id, record_id, battery_id, arrived, event_id)
    SELECT e.id, e.vehicle_id, e.n + 1, e.recpack = 'arrived',
           CASE WHEN e.recpack = 'arrived' THEN e.id END
    FROM ev e WHERE e.recpack IS NOT NULL
    ORDER BY e.id
"""

REGISTER_SQL = f"""
    INSERT INTO enforcement_scrapregisterentry (
        id, certificate_no, vin, scrapped_on, dismantler_uscc, dismantler_id, imported_at)
    SELECT e.vehicle_id, {_cert("e.vehicle_id")},
           pg_temp.bench_vin(e.vehicle_id - 1, '{PACK_PLANTS}'),
           (e.occurred AT TIME ZONE '{TZ}')::date,
           CASE e.reg WHEN 'dis' THEN d.uscc ELSE %(unknown_uscc)s END,
           CASE e.reg WHEN 'dis' THEN e.reporter_id END,
           COALESCE(e.reg_at, e.occurred + interval '20 days')
    FROM ev e JOIN enterprises_enterprise d ON d.id = e.reporter_id
    WHERE e.reg IS NOT NULL
    ORDER BY e.vehicle_id
"""

# Register rows of vehicles the battery portal never saw (most of the register: fuel cars
# among them); a tenth of them name a dismantler that is not in the portal.
UNKNOWN_REGISTER_SQL = f"""
    INSERT INTO enforcement_scrapregisterentry (
        id, certificate_no, vin, scrapped_on, dismantler_uscc, dismantler_id, imported_at)
    SELECT %(first_id)s + i, 'BU' || lpad(i::text, 10, '0'), pg_temp.bench_vin(i, 'U'),
           date '2026-01-05' + (i % 300), CASE WHEN i % 10 = 0 THEN %(unknown_uscc)s
                                            ELSE d.uscc END,
           CASE WHEN i % 10 <> 0 THEN d.id END,
           (date '2026-01-05' + (i % 300) + 20 + time '09:00') AT TIME ZONE '{TZ}'
    FROM generate_series(0, %(count)s - 1) AS i
    JOIN enterprises_enterprise d ON d.id = ({_array(DISMANTLERS)})[i % 6 + 1]
"""

# Records of vehicles the portal never registered, reported without their pack (planted).
UNKNOWN_RECORDS_SQL = f"""
    INSERT INTO batteries_scrappedvehicle (
        id, certificate_no, vin, vehicle_id, dismantler_id, scrapped_at, pack_status, note,
        channel, reported_at)
    SELECT %(first_id)s + i, 'BM' || lpad(i::text, 10, '0'), pg_temp.bench_vin(i, 'M'), NULL,
           ({_array(DISMANTLERS)})[i % 6 + 1],
           (date '2026-02-01' + (i % 250) + time '10:00') AT TIME ZONE '{TZ}', 'missing',
           '车辆未在平台登记', 'import',
           (date '2026-02-03' + (i % 250) + time '12:00') AT TIME ZONE '{TZ}'
    FROM generate_series(0, %(count)s - 1) AS i
"""

# Codes the registry refused (planted), and a few first submitted after the cutoff.
REJECTIONS_SQL = f"""
    INSERT INTO batteries_coderejection (
        id, enterprise_id, code, error_code, message, channel, attempts, first_at, last_at)
    SELECT i + 1, ({_array(BPS)})[i % 7 + 1],
           CASE e.error WHEN 'code.char' THEN 'S0' || (i % 7 + 1) || 'PB01a1b2c3dG11'
                                              || lpad(i::text, 7, '0')
                        ELSE 'X' || lpad(i::text, 9, '0') || 'PB01A1B2C3DG11' END,
           e.error, '基准：被拒绝的编码', (ARRAY['api', 'import', 'web'])[i % 3 + 1],
           1 + i % 3, f.at, f.at + (i % 3) * interval '1 day'
    FROM generate_series(0, %(count)s - 1) AS i
    CROSS JOIN LATERAL (SELECT (ARRAY['code.duplicate', 'code.manufacturer_not_own',
                                      'code.manufacturer_unregistered', 'code.char'])
                               [(i / 7) % 4 + 1] AS error) e
    CROSS JOIN LATERAL (SELECT CASE
        WHEN i >= %(planted)s + 1 THEN (date '2026-12-02' + (i % 20) + time '10:00')
                                       AT TIME ZONE '{TZ}'
        WHEN i = %(planted)s THEN timestamptz '{CUTOFF}'
        WHEN i = %(planted)s - 1 THEN timestamptz '{AS_OF} 23:59:59+08'
        ELSE (date '2026-01-05' + (i % 300) + time '10:00') AT TIME ZONE '{TZ}' END AS at) f
"""

# What the generator planted: (rule, enterprise held responsible, subject), per script label.
PLANT_SQL = f"""
    INSERT INTO bench_planted (rule, enterprise_id, subject, profile)
    SELECT m.rule, m.enterprise_id, m.subject, e.profile
    FROM ev e
    JOIN batteries_battery b ON b.id = e.n + 1
    CROSS JOIN LATERAL unnest(e.plants) AS l(label)
    CROSS JOIN LATERAL (VALUES
        ('late', 'late_reporting', e.reporter_id, b.code),
        ('unq', 'handover_to_unqualified_receiver', e.reporter_id, b.code),
        ('nc', 'handover_not_confirmed', e.counterparty_id, b.code),
        ('dsp', 'handover_not_confirmed', e.reporter_id, b.code),
        ('dsp', 'handover_not_confirmed', e.counterparty_id, b.code),
        ('scr', 'scrapped_pack_not_handed_over', e.reporter_id, b.code),
        ('wop', 'vehicle_scrapped_without_pack', e.reporter_id,
         pg_temp.bench_vin(e.vehicle_id - 1, '{PACK_PLANTS}')),
        ('prh', 'prohibited_reuse', e.reporter_id, b.code)
    ) AS m(label, rule, enterprise_id, subject)
    WHERE m.label = l.label
"""

SALES_AREAS_SQL = f"""
    SELECT DISTINCT pk.mfr, rep.province, e.holder_id, rep.prefecture
    FROM ev e JOIN pk USING (n) JOIN enterprises_enterprise rep ON rep.id = e.reporter_id
    WHERE e.kind = 'sell' AND e.occurred >= timestamptz '{WINDOW_START} 00:00:00+08'
      AND e.occurred < timestamptz '{CUTOFF}'
"""

SEQUENCES = [
    "enterprises_enterprise",
    "enterprises_outlet",
    "enterprises_manufacturercode",
    "batteries_battery",
    "batteries_vehicle",
    "batteries_lifecycleevent",
    "batteries_vehiclebinding",
    "batteries_handover",
    "batteries_scrappedvehicle",
    "batteries_scrappedvehiclepack",
    "batteries_coderejection",
    "enforcement_scrapregisterentry",
]


# Their secondary indexes and unique constraints are built after the rows are in (several
# times faster than maintaining them row by row), with the same names and definitions.
BULK_TABLES = ("batteries_battery", "batteries_lifecycleevent")


def _indexes_drop(conn, tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes and unique constraints no foreign key needs; return how to rebuild."""
    rebuild = []
    for table in tables:
        constraints = conn.execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype = 'u'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                              WHERE f.contype = 'f' AND f.conindid = c.conindid)
            """,
            [table],
        ).fetchall()
        indexes = conn.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [table],
        ).fetchall()
        for name, definition in constraints:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
    return rebuild


def _connect(name: str, **kw):
    import psycopg

    return psycopg.connect(host=socket_dir(), user="postgres", dbname=name, **kw)


def _insert_parties(conn) -> None:
    from common.identifiers import make_uscc

    with conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO enterprises_enterprise (
                id, name, uscc, address, division_code, province, prefecture, contact_name,
                contact_phone, contact_email, roles, dismantler_qualification_no, status,
                status_reason, status_changed_at, supporting_document, created_at)
            VALUES (%s, %s, %s, '基准测试地址', %s, %s, %s, '基准', '010-00000000', %s, %s,
                    %s, 'approved', '', now(), '', now())
            """,
            [
                (
                    IDS[p.key],
                    p.name,
                    make_uscc(p.division, IDS[p.key]),
                    p.division,
                    p.division[:2],
                    p.division[:4],
                    f"scans{IDS[p.key]}@example.cn",
                    list(p.roles),
                    f"拆解资质{IDS[p.key]:04d}" if "dismantler" in p.roles else "",
                )
                for p in PARTIES
            ],
        )
        cur.executemany(
            """
            INSERT INTO enterprises_outlet (
                id, name, address, division_code, province, prefecture, status, created_at,
                operator_id, owner_id)
            VALUES (%s, %s, '基准网点地址', %s, %s, %s, %s, now(), %s, %s)
            """,
            [
                (
                    oid,
                    f"{BY_KEY[owner].name}回收服务网点{oid}",
                    division,
                    division[:2],
                    division[:4],
                    status,
                    IDS[operator] if operator else None,
                    IDS[owner],
                )
                for oid, owner, operator, division, status in outlets()
            ],
        )
        cur.executemany(
            "INSERT INTO enterprises_manufacturercode (id, code, registered_on, enterprise_id) "
            "VALUES (%s, %s, '2020-01-01', %s)",
            [
                (i + 1, code, IDS[bp])
                for i, (code, bp) in enumerate(zip(MFR_CODES, BPS, strict=True))
            ],
        )


def _script_tables(conn, count: int) -> tuple[list[Profile], list[Profile]]:
    bulk, edges = bulk_profiles(), edge_profiles()
    columns = ", ".join(f"{name} {kind}" for name, kind in SCRIPT_COLUMNS.items())
    conn.execute(f"CREATE TEMP TABLE script ({columns})")
    rows = script_rows(bulk + edges)
    with conn.cursor().copy(f"COPY script ({', '.join(SCRIPT_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in SCRIPT_COLUMNS])
    conn.execute("CREATE TEMP TABLE slots (slot int PRIMARY KEY, profile text)")
    slots, start = [], 0
    for profile in bulk:
        slots += [(slot, profile.name) for slot in range(start, start + profile.rate)]
        start += profile.rate
    with conn.cursor().copy("COPY slots FROM STDIN") as copy:
        for row in slots:
            copy.write_row(row)
    conn.execute("CREATE TEMP TABLE edge_assign (n int PRIMARY KEY, profile text, base date)")
    assigned, n = [], 0
    for profile in edges:
        for _ in range(profile.count):
            assigned.append((n, profile.name, profile.base))
            n += 1
    assert n < min(count, BLOCK), n
    with conn.cursor().copy("COPY edge_assign FROM STDIN") as copy:
        for row in assigned:
            copy.write_row(row)
    return bulk, edges


def load(name: str, count: int) -> dict:
    """Load the data set into a migrated, empty database; return counts and seconds."""
    from common.identifiers import make_uscc

    steps: dict[str, float] = {}
    started = time.perf_counter()

    def step(label: str, sql: str, params: dict | None = None) -> None:
        # Plain substitution of ints and USCCs: the statements use % as the modulo operator.
        for key, value in (params or {}).items():
            assert isinstance(value, int) or value.isalnum(), value
            sql = sql.replace(f"%({key})s", str(value) if isinstance(value, int) else f"'{value}'")
        began = time.perf_counter()
        conn.execute(sql)
        steps[label] = steps.get(label, 0) + time.perf_counter() - began

    with _connect(name) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET temp_buffers = '2GB'")
        conn.execute("SET work_mem = '256MB'")
        conn.execute("SET maintenance_work_mem = '1GB'")
        # Rows are consistent by construction: skip the per-row foreign-key triggers.
        conn.execute("SET session_replication_role = replica")
        conn.execute(vin_function_sql())
        _insert_parties(conn)
        _script_tables(conn, count)
        conn.execute(
            "CREATE TEMP TABLE outlet_of AS SELECT DISTINCT ON (operator_id) operator_id AS "
            "enterprise_id, id FROM enterprises_outlet WHERE status = 'active' AND "
            "operator_id IS NOT NULL ORDER BY operator_id, id"
        )
        step("packs (pk)", pk_sql(count))
        step("script → events (ev)", EV_SQL)
        conn.execute("ANALYZE pk")
        conn.execute("ANALYZE ev")
        dropped = _indexes_drop(conn, BULK_TABLES)
        step("batteries", BATTERIES_SQL)
        step("vehicles", VEHICLES_SQL)
        step("events", EVENTS_SQL)
        began = time.perf_counter()
        for statement in dropped:
            conn.execute(statement)
        steps["indexes"] = time.perf_counter() - began
        step("bindings", BINDINGS_SQL)
        step("handovers", HANDOVERS_SQL)
        step("records", RECORDS_SQL)
        step("records", RECORD_PACKS_SQL)
        unknown_uscc = make_uscc("410105", UNKNOWN_DISMANTLER_USCC_SEED)
        step("register", REGISTER_SQL, {"unknown_uscc": unknown_uscc})
        step(
            "register",
            UNKNOWN_REGISTER_SQL,
            {"first_id": count + 1, "count": count // 40, "unknown_uscc": unknown_uscc},
        )
        unknown_records = count // 2000
        step("records", UNKNOWN_RECORDS_SQL, {"first_id": count + 1, "count": unknown_records})
        planted_rejections = count // 200
        step(
            "code rejections",
            REJECTIONS_SQL,
            {"count": planted_rejections + 2 + count // 5000, "planted": planted_rejections},
        )
        conn.execute("SET session_replication_role = origin")
        for table in SEQUENCES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)"
            )
        began = time.perf_counter()
        _planted(conn, count, planted_rejections)
        steps["planted"] = time.perf_counter() - began
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "batteries_battery",
                "batteries_lifecycleevent",
                "batteries_vehicle",
                "batteries_vehiclebinding",
                "batteries_handover",
                "batteries_scrappedvehicle",
                "batteries_coderejection",
                "enforcement_scrapregisterentry",
                "enterprises_enterprise",
                "enterprises_outlet",
            )
        }
    began = time.perf_counter()
    with _connect(name, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    steps["vacuum analyze"] = time.perf_counter() - began
    seconds = time.perf_counter() - started
    with _connect(name) as conn:
        conn.execute(
            "CREATE TABLE bench_meta (packs int, version int, load_seconds float, counts jsonb)"
        )
        conn.execute(
            "INSERT INTO bench_meta (packs, version, load_seconds, counts) VALUES (%s, %s, %s, %s)",
            [count, GENERATOR_VERSION, seconds, json.dumps({"counts": counts, "steps": steps})],
        )
    return {"seconds": seconds, "counts": counts, "steps": steps}


def _planted(conn, count: int, planted_rejections: int) -> None:
    """Write what the generator planted: the profiles' labels, the records of vehicles the
    portal never saw, the rejected codes before the cutoff, the designed coverage gaps."""
    conn.execute(
        "CREATE TABLE bench_planted (rule text, enterprise_id bigint, subject text, profile text)"
    )
    conn.execute(PLANT_SQL)
    conn.execute(
        f"""
        INSERT INTO bench_planted
        SELECT 'vehicle_scrapped_without_pack', dismantler_id, vin, 'record_unknown_vehicle'
        FROM batteries_scrappedvehicle WHERE id > {count}
        """
    )
    conn.execute(
        f"""
        INSERT INTO bench_planted
        SELECT 'coding_violation', enterprise_id, code, 'rejected_code'
        FROM batteries_coderejection WHERE id <= {planted_rejections}
        """
    )
    sales = conn.execute(SALES_AREAS_SQL).fetchall()
    provinces = {(mfr, province) for mfr, province, _, _ in sales}
    prefectures = {(holder, prefecture) for _, _, holder, prefecture in sales}
    rows = []
    for producer, level, area in coverage_planted():
        sold = (IDS[producer], area) in (provinces if level == "province" else prefectures)
        if not sold:
            print(f"  bench.scans: no sales of {producer} in {level} {area}: gap not planted")
            continue
        rows.append(("outlet_coverage_gap", IDS[producer], area, f"gap_{level}"))
    conn.cursor().executemany("INSERT INTO bench_planted VALUES (%s, %s, %s, %s)", rows)


def verify(name: str, sample: int = 2000) -> None:
    """Parse a sample of the generated codes and VINs back; fail on any invalid one."""
    from common.battery_code import parse_battery_code
    from common.identifiers import validate_vin

    with _connect(name) as conn:
        codes = conn.execute(
            "SELECT code, production_date FROM batteries_battery TABLESAMPLE SYSTEM (1) LIMIT %s",
            [sample],
        ).fetchall()
        vins = conn.execute(
            "(SELECT vin FROM batteries_vehicle TABLESAMPLE SYSTEM (2) LIMIT %s) UNION ALL "
            "(SELECT vin FROM enforcement_scrapregisterentry TABLESAMPLE SYSTEM (5) LIMIT %s) "
            "UNION ALL (SELECT vin FROM batteries_scrappedvehicle LIMIT %s)",
            [sample, sample, sample],
        ).fetchall()
    for code, produced in codes:
        result = parse_battery_code(code, today=AS_OF)
        if result.errors or result.parsed.production_date != produced:
            raise RuntimeError(f"generated an invalid code {code}: {result.errors}")
    for (vin,) in vins:
        if validate_vin(vin):
            raise RuntimeError(f"generated an invalid VIN {vin}: {validate_vin(vin)}")


def loaded(name: str) -> dict | None:
    import psycopg

    if not database_exists(name):
        return None
    with _connect(name) as conn:
        try:
            row = conn.execute(
                "SELECT packs, version, load_seconds, counts FROM bench_meta"
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    if row is None:
        return None
    return {"packs": row[0], "version": row[1], "seconds": row[2], **row[3]}


def prepare(size: int, rebuild: bool) -> dict:
    name = f"bench_scans_{size}"
    url = database_url(name)
    meta = None if rebuild else loaded(name)
    if meta and meta["packs"] == size and meta["version"] == GENERATOR_VERSION:
        print(f"bench.scans: reusing {name} (loaded in {meta['seconds']:.0f} s; --rebuild reloads)")
        django_run(url, "manage.py", "migrate", "--noinput", "-v0")  # new indexes, if any
        return meta
    print(f"bench.scans: loading {size:,} packs into {name} …", flush=True)
    database_recreate(name)
    django_run(url, "manage.py", "migrate", "--noinput", "-v0")
    meta = load(name, size)
    verify(name)
    steps = ", ".join(f"{label} {s:.1f}" for label, s in meta["steps"].items())
    print(f"bench.scans: loaded in {meta['seconds']:.0f} s ({steps}); codes and VINs check out")
    return meta


# --- Scanning (in a Django process) -----------------------------------------------------------


PHASES = (
    ("CREATE TEMP TABLE scan_base", "base"),
    ("CREATE TEMP TABLE scan_result", "result"),
    ("INSERT INTO enforcement_finding", "write"),
    ("UPDATE enforcement_finding", "write"),
)


def child_scan(as_of: dt.date) -> dict:
    """Run scan_run twice; time each rule, its statements and the case grouping (Django)."""
    import django

    django.setup()
    from django.db import connection

    import enforcement.scans
    from enforcement.scans import scan_run
    from enforcement.services import cases

    grouping: dict = {}
    original = cases.cases_group
    current = {"rule": ""}
    phases: dict[str, dict[str, float]] = {}

    def timed_group(*, rules):
        current["rule"] = "grouping"
        began = time.perf_counter()
        filed = original(rules=rules)
        grouping.update(seconds=time.perf_counter() - began, filed=filed)
        return filed

    def timed_statement(execute, sql, params, many, context):
        if "pg_advisory_xact_lock" in sql:
            current["rule"] = str(params[0]).removeprefix("scan:")
        phase = next((label for start, label in PHASES if start in sql), "other")
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = phases.setdefault(current["rule"], {})
            spent[phase] = spent.get(phase, 0) + time.perf_counter() - began

    wall: dict[str, float] = {}
    original_rule_run = enforcement.scans.rule_run

    def timed_rule_run(spec, **kw):
        began = time.perf_counter()
        try:
            return original_rule_run(spec, **kw)
        finally:
            wall[spec.rule] = time.perf_counter() - began

    # The run log's duration stops before the commit; the wall time includes it (and the
    # deferred foreign-key checks of the findings inserted, which run at commit).
    enforcement.scans.rule_run = timed_rule_run
    cases.cases_group = timed_group  # scan_run imports it at call time
    runs = []
    for _ in range(2):
        grouping.clear()
        phases.clear()
        wall.clear()
        began = time.perf_counter()
        with connection.execute_wrapper(timed_statement):
            outcomes = scan_run(as_of=as_of, started_by="bench")
        total = time.perf_counter() - began
        runs.append(
            {
                "total": total,
                "grouping": dict(grouping),
                "phases": dict(phases),
                "rules": {
                    o.run.rule: {
                        "seconds": wall[o.run.rule],
                        "logged": o.run.duration_ms / 1000,
                        "examined": o.run.rows_examined,
                        "found": o.run.found,
                        "new": o.run.new,
                        "known": o.run.known,
                        "cured": o.run.cured,
                    }
                    for o in outcomes
                },
            }
        )
    return {"runs": runs}


def child_explain(rule: str, as_of: dt.date) -> None:
    """Print EXPLAIN ANALYZE of a rule's base and result queries (Django subprocess)."""
    import django

    django.setup()
    from django.db import connection, transaction

    from enforcement.scans.runner import scan_params
    from enforcement.scans.specs import SPECS

    spec, params = SPECS[rule], scan_params(as_of)
    with transaction.atomic(), connection.cursor() as cursor:
        for label, sql in (("base", spec.base), ("result", spec.result)):
            table = "scan_base" if label == "base" else "scan_result"
            cursor.execute(
                f"EXPLAIN (ANALYZE, BUFFERS) CREATE TEMP TABLE {table} ON COMMIT DROP AS {sql}",
                params,
            )
            print(f"--- {rule}: {label}")
            print("\n".join(row[0] for row in cursor.fetchall()))
            if label == "base":
                cursor.execute("ANALYZE scan_base")
        transaction.set_rollback(True)


def _child(url: str, payload: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "bench.scans", "--child", json.dumps(payload, default=str)],
        cwd=ROOT,
        env={**server_env(url), "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
    )


def scan(name: str) -> dict:
    with _connect(name) as conn:
        conn.execute(
            "TRUNCATE enforcement_finding, enforcement_casestep, enforcement_historicalcase, "
            "enforcement_case, enforcement_scanrun CASCADE"
        )
    before = os.getloadavg()[0]
    done = _child(database_url(name), {"step": "scan", "as_of": AS_OF})
    if done.returncode:
        raise RuntimeError(f"scan failed:\n{done.stderr[-4000:]}")
    # Other work on the machine shows in the seconds: say how busy it was.
    return json.loads(done.stdout.splitlines()[-1]) | {"load": (before, os.getloadavg()[0])}


# --- Comparing and printing ---------------------------------------------------------------------

COMPARE_SQL = """
    WITH f AS (SELECT rule, enterprise_id, subject, count(*) AS n
               FROM enforcement_finding GROUP BY 1, 2, 3),
         p AS (SELECT rule, enterprise_id, subject, count(*) AS n
               FROM bench_planted GROUP BY 1, 2, 3)
    SELECT COALESCE(f.rule, p.rule), COALESCE(sum(p.n), 0), COALESCE(sum(f.n), 0),
           COALESCE(sum(least(COALESCE(f.n, 0), COALESCE(p.n, 0))), 0)
    FROM f FULL JOIN p USING (rule, enterprise_id, subject)
    GROUP BY 1
"""

DIFF_SQL = """
    WITH f AS (SELECT rule, enterprise_id, subject, count(*) AS n, min(key) AS key
               FROM enforcement_finding GROUP BY 1, 2, 3),
         p AS (SELECT rule, enterprise_id, subject, count(*) AS n, min(profile) AS profile
               FROM bench_planted GROUP BY 1, 2, 3)
    SELECT COALESCE(f.rule, p.rule) AS rule,
           CASE WHEN COALESCE(p.n, 0) > COALESCE(f.n, 0) THEN 'planted, not found'
                ELSE 'found, not planted' END AS what,
           COALESCE(f.enterprise_id, p.enterprise_id), COALESCE(f.subject, p.subject),
           p.profile, f.key, abs(COALESCE(p.n, 0) - COALESCE(f.n, 0))
    FROM f FULL JOIN p USING (rule, enterprise_id, subject)
    WHERE COALESCE(p.n, 0) <> COALESCE(f.n, 0)
    ORDER BY 1, 2, 5, 4
"""


def compare(name: str) -> tuple[dict, list]:
    with _connect(name) as conn:
        rows = conn.execute(COMPARE_SQL).fetchall()
        diff = conn.execute(DIFF_SQL).fetchall()
        cases = conn.execute("SELECT count(*) FROM enforcement_case").fetchone()[0]
    per_rule = {rule: (int(p), int(f), int(m)) for rule, p, f, m in rows}
    return {"rules": per_rule, "cases": cases}, diff


def _s(seconds: float) -> str:
    return f"{seconds:.2f}"


def report(size: int, meta: dict, result: dict, comparison: dict, diff: list) -> dict:
    first, rerun = result["runs"]
    rows, created_again = [], 0
    for rule in RULES:
        planted, found, matched = comparison["rules"].get(rule, (0, 0, 0))
        a, b = first["rules"][rule], rerun["rules"][rule]
        created_again += b["new"]
        ok = planted == found == matched
        verdict = "yes" if ok else f"MISMATCH (-{planted - matched} +{found - matched})"
        if a["found"] != found:
            verdict += f" [query rows {a['found']:,}]"
        rows.append(
            [
                rule,
                f"{planted:,}",
                f"{found:,}",
                verdict,
                f"{a['examined']:,}",
                _s(a["seconds"]),
                _s(b["seconds"]),
                b["new"],
            ]
        )
    rules_first = sum(r["seconds"] for r in first["rules"].values())
    rules_rerun = sum(r["seconds"] for r in rerun["rules"].values())
    planted_total = sum(v[0] for v in comparison["rules"].values())
    found_total = sum(v[1] for v in comparison["rules"].values())
    target = (
        ""
        if size < 1_000_000
        else (
            f" (target < {TARGET_TOTAL_S:.0f} s: {'yes' if rules_first < TARGET_TOTAL_S else 'NO'})"
        )
    )
    rows.append(
        [
            "all rules" + target,
            f"{planted_total:,}",
            f"{found_total:,}",
            "yes" if all(r[3] == "yes" for r in rows) else "MISMATCH",
            "",
            _s(rules_first),
            _s(rules_rerun),
            created_again,
        ]
    )
    g1, g2 = first["grouping"], rerun["grouping"]
    rows.append(
        [
            f"case grouping: {g1.get('filed', 0):,} findings → {comparison['cases']:,} cases",
            "",
            "",
            "",
            "",
            _s(g1.get("seconds", 0)),
            _s(g2.get("seconds", 0)),
            g2.get("filed", 0),
        ]
    )
    rows.append(
        [
            "scan_run total (rules + grouping)",
            "",
            "",
            "",
            "",
            _s(first["total"]),
            _s(rerun["total"]),
            "",
        ]
    )
    counts = meta["counts"]
    print_table(
        f"Scans as of {AS_OF} over {size:,} packs, {counts['batteries_lifecycleevent']:,} events, "
        f"{counts['batteries_handover']:,} handovers, "
        f"{counts['enforcement_scrapregisterentry']:,} register rows (seconds; load average "
        f"{result['load'][0]:.1f} → {result['load'][1]:.1f} on {os.cpu_count()} cores)",
        ["rule", "planted", "found", "equal", "examined", "1st run", "re-run", "new on re-run"],
        rows,
    )
    breakdown = []
    for rule in (*RULES, "grouping"):
        cells = [rule]
        for run in (first, rerun):
            spent = run["phases"].get(rule, {})
            wall = (
                run["grouping"].get("seconds", 0)
                if rule == "grouping"
                else run["rules"][rule]["seconds"]
            )
            phases = [spent.get(p, 0) for p in ("base", "result", "write", "other")]
            cells += [_s(p) for p in phases] + [_s(max(wall - sum(phases), 0))]
        breakdown.append(cells)
    print_table(
        "Where the seconds go, first run | re-run: the candidates query (base), the findings "
        "query (result), writing findings and cures (write), the rest (other), the commit with "
        "its deferred foreign-key checks (commit)",
        ["rule", "base", "result", "write", "other", "commit"]
        + ["| base", "result", "write", "other", "commit"],
        breakdown,
    )
    if diff:
        print(f"\n  differences ({len(diff)} rows; first 12):")
        for rule, what, enterprise, subject, profile, key, n in diff[:12]:
            print(
                f"    {rule}: {what} ×{n}: enterprise {enterprise}, {subject} "
                f"(profile {profile or '-'}, key {key or '-'})"
            )
    if rerun["total"] > first["total"] * 1.2 + 0.2:
        print(f"  NOTE: the re-run took longer than the first run ({rerun['total']:.2f} s)")
    return {
        "size": size,
        "events": counts["batteries_lifecycleevent"],
        "findings": found_total,
        "rules_first": rules_first,
        "rules_rerun": rules_rerun,
        "grouping": g1.get("seconds", 0),
        "total": first["total"],
    }


def print_growth(summaries: list[dict]) -> None:
    rows, previous = [], None
    for s in summaries:
        growth = ""
        if previous:
            growth = (
                f"×{s['rules_first'] / previous['rules_first']:.1f} time for "
                f"×{s['size'] / previous['size']:.1f} packs"
            )
        rows.append(
            [
                f"{s['size']:,}",
                f"{s['events']:,}",
                f"{s['findings']:,}",
                _s(s["rules_first"]),
                _s(s["rules_rerun"]),
                _s(s["grouping"]),
                f"{s['rules_first'] / s['size'] * 1e6:.1f}",
                growth,
            ]
        )
        previous = s
    print_table(
        "Growth across sizes (all rules, seconds)",
        ["packs", "events", "findings", "1st run", "re-run", "grouping", "µs/pack", "growth"],
        rows,
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scans", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated pack counts")
    parser.add_argument("--rebuild", action="store_true", help="reload the bench_scans_* data")
    parser.add_argument(
        "--explain",
        metavar="RULE",
        choices=RULES,
        help="print EXPLAIN ANALYZE of the rule at the largest size",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    """Run the scan benchmark and print its tables."""
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.explain:
        size = max(sizes)
        prepare(size, args.rebuild)
        done = _child(
            database_url(f"bench_scans_{size}"),
            {"step": "explain", "rule": args.explain, "as_of": AS_OF},
        )
        print(done.stdout if not done.returncode else done.stderr[-4000:])
        return
    summaries = []
    for size in sizes:
        meta = prepare(size, args.rebuild)
        result = scan(f"bench_scans_{size}")
        comparison, diff = compare(f"bench_scans_{size}")
        summaries.append(report(size, meta, result, comparison, diff))
    if len(summaries) > 1:
        print_growth(summaries)


def child(payload: dict) -> None:
    as_of = dt.date.fromisoformat(payload["as_of"])
    if payload["step"] == "scan":
        result = child_scan(as_of)
        print(json.dumps(result))
    elif payload["step"] == "explain":
        child_explain(payload["rule"], as_of)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        with contextlib.suppress(BrokenPipeError):
            child(json.loads(sys.argv[2]))
    else:
        main(sys.argv[1:])
