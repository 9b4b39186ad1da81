"""A fixed, hand-built data set for the rollup tests (every number below is counted by hand).

Parties (tests.enforcement.scenario): producer in Fujian (35), vehicle maker in Guangdong
(44), dealer in Hunan (43), dismantler in Jiangsu (32), utilizer in Hunan (43), repair shop
in Zhejiang (33, not a qualified receiver).

Six packs, each registered on 2026-01-06 and produced 01-07, delivered 01-08, installed
01-09 (the maker), sold 01-20 (the dealer); every event reported one hour after it occurred.
The handover deadline from scrapping is 15 working days: scrapped 2026-05-06 → due
2026-05-26; scrapped 2026-06-10 → due 2026-07-02 (the Dragon Boat Festival, Friday
06-19, is a rest day).

- A: scrapped 05-06, handed over to the utilizer 05-26 (the deadline day), received 05-28;
- B: scrapped 05-06, handed over to the utilizer 05-27 (one day late);
- C: scrapped 05-06, handed over to the repair shop 05-10 (unqualified receiver);
- D: scrapped 06-10, never handed over;
- G: scrapped 06-10, handed over to the utilizer 06-12 (voided later by `changes`);
- E: sold, nothing else (scrapped on 03-10 but reported on 07-01 later by `changes`).
Each scrapped pack is also dismantled on the day it was scrapped (15:00).

The outcome of a pack not (yet) arrived depends on the day the figures are computed: on or
before its deadline it is pending (期限未到), after it not arrived. JUNE_DUE is D's and G's
deadline day (still to come: D pending), JUNE_PASSED the day after (D not arrived); by
either day May's deadline (05-26) has passed.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.enforcement.builders import desk_create
from tests.enforcement.scenario import at, record, sold_pack

JUNE_DUE = dt.date(2026, 7, 2)
JUNE_PASSED = dt.date(2026, 7, 3)


def _scrap(p, battery, day: str) -> None:
    record(
        battery,
        "scrap_vehicle",
        p.dismantler,
        at(day),
        vin=battery.vehicle.vin,
        document_ref=f"BF{battery.pk:08d}",
    )
    record(battery, "dismantle", p.dismantler, at(day, 15))


def _hand_over(p, battery, day: str, to) -> object:
    return record(battery, "handover", p.dismantler, at(day), counterparty_uscc=to.uscc)


@pytest.fixture
def world(db):
    from enforcement.services.setup import enforcement_data_ensure

    enforcement_data_ensure()
    desk = desk_create()
    p = desk.p
    packs = SimpleNamespace(**{name: sold_pack(p) for name in "ABCDGE"})
    for name in "ABC":
        _scrap(p, getattr(packs, name), "2026-05-06")
    for name in "DG":
        _scrap(p, getattr(packs, name), "2026-06-10")
    _hand_over(p, packs.A, "2026-05-26", p.utilizer)
    record(packs.A, "receipt_confirm", p.utilizer, at("2026-05-28"))
    _hand_over(p, packs.B, "2026-05-27", p.utilizer)
    _hand_over(p, packs.C, "2026-05-10", p.repairer)
    g_handover = _hand_over(p, packs.G, "2026-06-12", p.utilizer)
    return SimpleNamespace(desk=desk, p=p, packs=packs, g_handover=g_handover)


def changes(world) -> None:
    """After a refresh: G's handover is voided; E's scrapping of 03-10 is reported on 07-01."""
    from batteries.models import Channel
    from batteries.services.corrections import event_void

    p = world.p
    event_void(
        event=world.g_handover,
        reporter=p.dismantler,
        reason="移交对象填写错误。",
        channel=Channel.WEB,
        now=at("2026-06-13"),
    )
    e = world.packs.E
    record(
        e,
        "scrap_vehicle",
        p.dismantler,
        at("2026-03-10"),
        at("2026-07-01"),
        vin=e.vehicle.vin,
        document_ref=f"BF{e.pk:08d}",
    )
