"""The formal recycling rate on its edge cases (conftest.py): handed over on the deadline day
(A, on time), one day late (B), to an unqualified receiver (C), never (D); a voided handover
(G) no longer counts as an arrival; a late scrap report (E) counts in the month scrapped."""

import datetime as dt

from enterprises.scoping import Scope
from stats import selectors as s
from stats.models import Retirement
from stats.refresh import full_rebuild, incremental_refresh
from tests.stats.rollups.conftest import changes

NATION = Scope(national=True)
SPRING = s.StatsFilter(dt.date(2026, 3, 1), dt.date(2026, 6, 1))


def by_month(scope=NATION) -> dict[str, tuple]:
    return {
        r["month"]: (r["retired"], r["formal_on_time"], r["late"], r["not_arrived"], r["rate"])
        for r in s.recycling_rate(scope, SPRING)
    }


def test_each_scrapped_pack_is_judged_against_its_handover_deadline(world):
    full_rebuild()
    outcomes = {r.battery_id: (str(r.due), r.outcome) for r in Retirement.objects.all()}
    packs = world.packs
    assert outcomes == {
        packs.A.pk: ("2026-05-26", "on_time"),  # handed over on the deadline day
        packs.B.pk: ("2026-05-26", "late"),  # one day late
        packs.C.pk: ("2026-05-26", "not_arrived"),  # to the repair shop: not qualified
        packs.D.pk: ("2026-07-02", "not_arrived"),  # never (Dragon Boat Festival 06-19 is off)
        packs.G.pk: ("2026-07-02", "on_time"),
    }
    assert by_month() == {
        "2026-03-01": (0, 0, 0, 0, None),
        "2026-04-01": (0, 0, 0, 0, None),
        "2026-05-01": (3, 1, 1, 1, round(1 / 3, 4)),
        "2026-06-01": (2, 1, 0, 1, 0.5),
    }


def test_a_voided_handover_and_a_late_scrap_report_change_the_rate(world):
    full_rebuild()
    changes(world)
    incremental_refresh()
    assert by_month() == {
        "2026-03-01": (1, 0, 0, 1, 0.0),  # E, scrapped 03-10, reported 07-01
        "2026-04-01": (0, 0, 0, 0, None),
        "2026-05-01": (3, 1, 1, 1, round(1 / 3, 4)),
        "2026-06-01": (2, 0, 0, 2, 0.0),  # G's handover voided
    }
    assert s.recycling_rate(NATION, SPRING, by="province") == [
        {
            "province": "32",
            "province_name": "江苏省",
            "retired": 6,
            "formal_on_time": 1,
            "late": 1,
            "not_arrived": 4,
            "rate": round(1 / 6, 4),
        }
    ]


def test_a_pack_handed_over_after_its_deadline_turns_from_not_arrived_to_late(world):
    from tests.enforcement.scenario import at, record

    full_rebuild()
    p, d = world.p, world.packs.D
    record(d, "handover", p.dismantler, at("2026-07-03"), counterparty_uscc=p.utilizer.uscc)
    incremental_refresh()
    assert Retirement.objects.get(battery_id=d.pk).outcome == "late"
    assert by_month()["2026-06-01"] == (2, 1, 1, 0, 0.5)
