"""The formal recycling rate on its edge cases (conftest.py): handed over on the deadline day
(A, on time), one day late (B), to an unqualified receiver (C), never (D); a voided handover
(G) no longer counts as an arrival; a late scrap report (E) counts in the month scrapped.
A pack not arrived whose deadline is still to come on the day the figures are computed
(D, due 07-02) is pending: out of the rate's denominator until its deadline passes.

Rows below: (retired, formal_on_time, late, not_arrived, pending, rate), where
rate = formal_on_time / (retired − pending)."""

import datetime as dt

from enterprises.scoping import Scope
from stats import selectors as s
from stats.models import Retirement
from stats.refresh import full_rebuild, incremental_refresh
from tests.stats.rollups.conftest import JUNE_DUE, JUNE_PASSED, changes

NATION = Scope(national=True)
SPRING = s.StatsFilter(dt.date(2026, 3, 1), dt.date(2026, 6, 1))


def by_month(scope=NATION) -> dict[str, tuple]:
    return {
        r["month"]: (
            r["retired"],
            r["formal_on_time"],
            r["late"],
            r["not_arrived"],
            r["pending"],
            r["rate"],
        )
        for r in s.recycling_rate(scope, SPRING)
    }


def test_each_scrapped_pack_is_judged_against_its_handover_deadline(world):
    full_rebuild(JUNE_PASSED)
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
        "2026-03-01": (0, 0, 0, 0, 0, None),
        "2026-04-01": (0, 0, 0, 0, 0, None),
        "2026-05-01": (3, 1, 1, 1, 0, round(1 / 3, 4)),
        "2026-06-01": (2, 1, 0, 1, 0, 0.5),
    }


def test_a_voided_handover_and_a_late_scrap_report_change_the_rate(world):
    full_rebuild(JUNE_PASSED)
    changes(world)
    incremental_refresh(JUNE_PASSED)
    assert by_month() == {
        "2026-03-01": (1, 0, 0, 1, 0, 0.0),  # E, scrapped 03-10, reported 07-01
        "2026-04-01": (0, 0, 0, 0, 0, None),
        "2026-05-01": (3, 1, 1, 1, 0, round(1 / 3, 4)),
        "2026-06-01": (2, 0, 0, 2, 0, 0.0),  # G's handover voided
    }
    assert s.recycling_rate(NATION, SPRING, by="province") == [
        {
            "province": "32",
            "province_name": "江苏省",
            "retired": 6,
            "formal_on_time": 1,
            "late": 1,
            "not_arrived": 4,
            "pending": 0,
            "rate": round(1 / 6, 4),
        }
    ]


def test_a_pack_handed_over_after_its_deadline_turns_from_not_arrived_to_late(world):
    from tests.enforcement.scenario import at, record

    full_rebuild(JUNE_PASSED)
    p, d = world.p, world.packs.D
    record(d, "handover", p.dismantler, at("2026-07-03"), counterparty_uscc=p.utilizer.uscc)
    incremental_refresh(JUNE_PASSED)
    assert Retirement.objects.get(battery_id=d.pk).outcome == "late"
    assert by_month()["2026-06-01"] == (2, 1, 1, 0, 0, 0.5)


def outcomes(world) -> dict[str, str]:
    names = {getattr(world.packs, n).pk: n for n in "ABCDGE"}
    return {names[r.battery_id]: r.outcome for r in Retirement.objects.all()}


def test_a_pack_whose_deadline_is_still_to_come_is_pending_and_out_of_the_denominator(world):
    # Computed on 07-02, D's deadline day: D (never handed over) may still be handed over.
    full_rebuild(JUNE_DUE)
    assert outcomes(world) == {
        "A": "on_time",  # handed over on its deadline day (05-26)
        "B": "late",
        "C": "not_arrived",  # May's deadline passed, the repair shop is not qualified
        "D": "pending",
        "G": "on_time",  # handed over 06-12, before its deadline: on time whatever the day
    }
    assert by_month() == {
        "2026-03-01": (0, 0, 0, 0, 0, None),
        "2026-04-01": (0, 0, 0, 0, 0, None),
        "2026-05-01": (3, 1, 1, 1, 0, round(1 / 3, 4)),
        "2026-06-01": (2, 1, 0, 0, 1, 1.0),  # G of (D, G) minus pending D: 1 / 1
    }
    # The day after, D's deadline has passed: not arrived, back in the denominator.
    full_rebuild(JUNE_PASSED)
    assert outcomes(world)["D"] == "not_arrived"
    assert outcomes(world)["G"] == "on_time"
    assert by_month()["2026-06-01"] == (2, 1, 0, 1, 0, 0.5)


def test_an_incremental_refresh_turns_a_lapsed_pending_pack_into_not_arrived(world):
    """No event about D arrives: the refresh after its deadline reclassifies it anyway."""
    full_rebuild(JUNE_DUE)
    assert incremental_refresh(JUNE_DUE).events == 0
    assert by_month()["2026-06-01"] == (2, 1, 0, 0, 1, 1.0)  # the deadline day: still pending
    assert incremental_refresh(JUNE_PASSED).events == 0
    assert outcomes(world)["D"] == "not_arrived"
    assert by_month()["2026-06-01"] == (2, 1, 0, 1, 0, 0.5)
    assert s.recycling_rate(NATION, SPRING, by="province") == [
        {
            "province": "32",
            "province_name": "江苏省",
            "retired": 5,
            "formal_on_time": 2,  # A, G
            "late": 1,  # B
            "not_arrived": 2,  # C, D
            "pending": 0,
            "rate": 0.4,
        }
    ]


def test_a_month_of_pending_packs_only_has_no_rate(world):
    """G's handover voided on 06-13: in June nothing arrived and both deadlines are to come."""
    full_rebuild(JUNE_DUE)
    changes(world)
    incremental_refresh(JUNE_DUE)
    assert by_month() == {
        "2026-03-01": (1, 0, 0, 1, 0, 0.0),  # E: scrapped 03-10, its deadline long passed
        "2026-04-01": (0, 0, 0, 0, 0, None),
        "2026-05-01": (3, 1, 1, 1, 0, round(1 / 3, 4)),
        "2026-06-01": (2, 0, 0, 0, 2, None),  # 2 retired − 2 pending: no denominator
    }
    assert s.recycling_rate(NATION, SPRING, by="province")[0]["rate"] == round(1 / 4, 4)
    incremental_refresh(JUNE_PASSED)
    assert by_month()["2026-06-01"] == (2, 0, 0, 2, 0, 0.0)
    # The lapsed packs' cells are what a full rebuild on that day counts.
    incremental = s.recycling_rate(NATION, SPRING), s.recycling_rate(NATION, SPRING, by="province")
    full_rebuild(JUNE_PASSED)
    assert (
        s.recycling_rate(NATION, SPRING),
        s.recycling_rate(NATION, SPRING, by="province"),
    ) == incremental
