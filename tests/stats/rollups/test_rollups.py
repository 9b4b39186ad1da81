"""Every rollup equals the raw count of the hand-built data set (see conftest.py), after a
full rebuild and after incremental refreshes, a voided event and a late report included."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count

from batteries.models import Battery, LifecycleEvent
from enterprises.scoping import Scope
from stats import selectors as s
from stats.refresh import full_rebuild, incremental_refresh
from tests.stats.rollups.conftest import changes

BEIJING = ZoneInfo("Asia/Shanghai")
NATION = Scope(national=True)
YEAR = s.StatsFilter(dt.date(2026, 1, 1), dt.date(2026, 12, 1))
ZERO = dict.fromkeys(s.FLOW_KINDS, 0)


def flows_by_month(scope=NATION, f=YEAR) -> dict[str, dict]:
    """The non-empty months of monthly_flows, without the month key."""
    rows = {r.pop("month"): r for r in s.monthly_flows(scope, f)}
    return {month: r for month, r in rows.items() if any(r.values())}


def raw_flows() -> dict[tuple[str, str], int]:
    """The raw count: live events of packs per (kind, Beijing month of occurrence)."""
    counts: dict[tuple[str, str], int] = {}
    live = LifecycleEvent.objects.exclude(kind="void").filter(voided_by__isnull=True)
    for e in live.only("kind", "occurred_at"):
        key = (e.kind, e.occurred_at.astimezone(BEIJING).date().replace(day=1).isoformat())
        counts[key] = counts.get(key, 0) + 1
    return counts


def assert_flows_match_raw() -> None:
    raw = raw_flows()
    for month, row in flows_by_month().items():
        for key, kind in s.FLOW_KINDS.items():
            assert row[key] == raw.get((kind, month), 0), (month, key)
    stock = {r["state"]: r["packs"] for r in s.packs_by_state(NATION, YEAR)}
    assert stock == dict(Battery.objects.values_list("state").annotate(n=Count("pk")))


BEFORE_FLOWS = {
    "2026-01-01": ZERO | {"produced": 6, "installed": 6},
    "2026-05-01": ZERO | {"retired_scrapped": 3, "handed_over": 3, "received": 1},
    "2026-06-01": ZERO | {"retired_scrapped": 2, "handed_over": 1},
}
AFTER_FLOWS = {
    "2026-01-01": ZERO | {"produced": 6, "installed": 6},
    "2026-03-01": ZERO | {"retired_scrapped": 1},  # E's late report lands in March
    "2026-05-01": ZERO | {"retired_scrapped": 3, "handed_over": 3, "received": 1},
    "2026-06-01": ZERO | {"retired_scrapped": 2},  # G's handover voided
}


def test_a_full_rebuild_counts_every_live_event_in_the_month_it_occurred(world):
    full_rebuild()
    assert flows_by_month() == BEFORE_FLOWS
    assert {r["state"]: r["packs"] for r in s.packs_by_state(NATION, YEAR)} == {
        "sold": 1,
        "dismantled": 1,
        "handed_over": 3,
        "received": 1,
    }
    assert_flows_match_raw()


def test_an_incremental_refresh_applies_a_void_and_a_late_report(world):
    full_rebuild()
    changes(world)
    outcome = incremental_refresh()
    assert outcome.mode == "incremental"
    assert outcome.events == 2  # the correction and the late scrap report
    assert flows_by_month() == AFTER_FLOWS
    assert {r["state"]: r["packs"] for r in s.packs_by_state(NATION, YEAR)} == {
        "vehicle_scrapped": 1,
        "dismantled": 2,
        "handed_over": 2,
        "received": 1,
    }
    assert_flows_match_raw()


def test_incremental_and_full_give_the_same_figures(world):
    full_rebuild()
    changes(world)
    incremental_refresh()
    incremental = _all_figures()
    full_rebuild()
    assert _all_figures() == incremental


def test_a_second_incremental_refresh_applies_nothing_twice(world):
    full_rebuild()
    changes(world)
    incremental_refresh()
    assert incremental_refresh().events == 0
    assert flows_by_month() == AFTER_FLOWS


def test_an_event_committed_below_the_watermark_is_still_applied_once(world):
    """A transaction that took its id before the last refresh but committed after it."""
    from stats.models import AppliedEvent, RefreshState

    full_rebuild()
    changes(world)
    late_id = LifecycleEvent.objects.order_by("-id").values_list("id", flat=True).first()
    # Pretend the refresh ran while that event was still uncommitted.
    RefreshState.objects.filter(group="events").update(last_event_id=late_id + 5)
    AppliedEvent.objects.filter(id=late_id).delete()
    AppliedEvent.objects.bulk_create([AppliedEvent(id=late_id - 1)], ignore_conflicts=True)
    incremental_refresh()
    assert flows_by_month()["2026-03-01"]["retired_scrapped"] == 1
    incremental_refresh()
    assert flows_by_month()["2026-03-01"]["retired_scrapped"] == 1


def test_the_first_incremental_refresh_on_a_fresh_database_is_a_full_rebuild(world):
    assert incremental_refresh().mode == "full"
    assert flows_by_month() == BEFORE_FLOWS


def test_chemistry_and_producer_count_the_packs_produced(world):
    full_rebuild()
    assert s.packs_by_chemistry(NATION, YEAR) == [
        {"chemistry": "lfp", "chemistry_name": "磷酸铁锂电池", "packs": 6}
    ]
    producer = world.p.producer
    assert s.packs_by_producer(NATION, YEAR) == [
        {"enterprise_id": producer.pk, "name": producer.name, "uscc": producer.uscc, "packs": 6}
    ]


def test_packs_by_province_attributes_each_flow_to_its_reporters_province(world):
    full_rebuild()
    changes(world)
    incremental_refresh()
    rows = {r["province"]: r for r in s.packs_by_province(NATION, YEAR)}
    assert set(rows) == {"35", "32", "43"}
    assert rows["35"]["packs"] == 6
    assert rows["32"] == {
        "province": "32",
        "province_name": "江苏省",
        "packs": 0,
        "retired": 6,  # A B C D G and E's late report
        "handed_over": 3,  # A B C (G's voided)
        "received": 0,
        "recycled": 0,
        "repurposed": 0,
    }
    assert rows["43"]["received"] == 1


def test_on_time_reporting_judges_each_event_by_its_reporting_deadline(world):
    full_rebuild()
    changes(world)
    incremental_refresh()
    rows = {r["enterprise_id"]: r for r in s.on_time_reporting(NATION, YEAR)}
    p = world.p
    # The dealer's sales and the producer's events have no reporting deadline row.
    assert set(rows) == {p.maker.pk, p.dismantler.pk, p.utilizer.pk}
    maker = rows[p.maker.pk]
    assert (maker["reports"], maker["on_time"], maker["late"], maker["rate"]) == (6, 6, 0, 1.0)
    # Scrap A B C D G E (E reported months late), handovers A B C (G's voided).
    dismantler = rows[p.dismantler.pk]
    assert (dismantler["reports"], dismantler["on_time"], dismantler["late"]) == (9, 8, 1)
    assert dismantler["rate"] == round(8 / 9, 4)
    assert (rows[p.utilizer.pk]["reports"], rows[p.utilizer.pk]["on_time"]) == (1, 1)
    # Worst first.
    assert s.on_time_reporting(NATION, YEAR)[0]["enterprise_id"] == p.dismantler.pk


def _all_figures() -> dict:
    return {
        "flows": s.monthly_flows(NATION, YEAR),
        "province": s.packs_by_province(NATION, YEAR),
        "state": s.packs_by_state(NATION, YEAR),
        "chemistry": s.packs_by_chemistry(NATION, YEAR),
        "producer": s.packs_by_producer(NATION, YEAR),
        "rate_month": s.recycling_rate(NATION, YEAR),
        "rate_province": s.recycling_rate(NATION, YEAR, by="province"),
        "on_time": s.on_time_reporting(NATION, YEAR),
        "findings": s.findings_by_rule(NATION, YEAR),
        "cases": s.cases_by_status(NATION, YEAR),
        "fines": s.fines_by_month(NATION, YEAR),
        "coverage": s.outlet_coverage(NATION, YEAR),
    }
