"""Refresh the rollup tables: a full rebuild, or an incremental refresh of what changed.

Both are set-based SQL in one transaction (REPEATABLE READ, so every table is counted from
the same snapshot), serialised by an advisory lock: a second refresh waits for the first.

Event rollups (flows, stock, sales areas) are kept by **signed deltas**: every event counts
+1 in its cell; a correction (void) counts −1 in the cell of the event it voids; the stock
moves a pack out of the (holder, state) its previous event left it in and into the one the
event leaves it in, so a pack's deltas add up to its current holder and state whatever the
order they are applied in. Each event is applied exactly once: the watermark is the highest
event id applied, and because a transaction can commit an id below a watermark already
passed, each refresh also looks `LOOKBACK_IDS` ids back and skips the ids it already
applied (`AppliedEvent`). The recycling-rate cells are recounted for the scrapped packs
new events touched (`Retirement` holds one row per scrapped pack), and for the packs whose
handover deadline passed since the last refresh without an arrival (pending → not
arrived: one indexed UPDATE). "Today" — the day a deadline is judged against — is a
parameter of both refreshes (default: the current Beijing date). Enforcement rollups
(findings, cases, fines: tens of thousands of rows) are recounted whole when a scan, a
case, a document or a payment changed since the last refresh, and outlet coverage is
recounted whole every time (one row per producer × area).

What an incremental refresh cannot see — a changed deadline row or working-day calendar,
an enterprise that gained or lost a role or an outlet, a pack's chemistry — is picked up by
the nightly full rebuild (config/celery.py) or a rebuild on demand
(`manage.py stats_refresh --full`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from enforcement.scans.sql import QUALIFIED_RECEIVERS, deadlines, local_date, role_matches
from stats.models import RefreshState

LOOKBACK_IDS = 100_000
# A backlog larger than this is cheaper to rebuild than to apply as deltas.
FULL_REBUILD_ABOVE = 1_000_000
LOCK_KEY = 0x5747_A75  # pg_advisory_xact_lock key of the rollup refresh

EVENTS = "batteries_lifecycleevent"


def _month(day_sql: str) -> str:
    return f"date_trunc('month', {day_sql})::date"


def _not_voided(alias: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM {EVENTS} v_{alias} WHERE v_{alias}.voids_id = {alias}.id)"


# --- Signed event sources -----------------------------------------------------------------------
# Columns: sign, id, kind, occurred_at, reported_at, reporter_id, battery_id, holder_after_id.

ALL_LIVE = f"""
SELECT 1 AS sign, e.id, e.kind, e.occurred_at, e.reported_at, e.reporter_id, e.battery_id,
       e.holder_after_id
FROM {EVENTS} e WHERE e.kind <> 'void' AND {_not_voided("e")}
"""

BATCH = f"""
SELECT 1 AS sign, e.id, e.kind, e.occurred_at, e.reported_at, e.reporter_id, e.battery_id,
       e.holder_after_id
FROM stats_batch b JOIN {EVENTS} e ON e.id = b.id WHERE e.kind <> 'void'
UNION ALL
SELECT -1, x.id, x.kind, x.occurred_at, x.reported_at, x.reporter_id, x.battery_id,
       x.holder_after_id
FROM stats_batch b JOIN {EVENTS} v ON v.id = b.id AND v.kind = 'void'
JOIN {EVENTS} x ON x.id = v.voids_id
"""


def flow_sql(source: str) -> str:
    """Flow cells (month, enterprise, province, kind, chemistry, events, judged, on_time).

    Events are first grouped by day of occurrence and of report, so the deadline rows
    (reporting deadlines: anchor '') are joined once per group, not once per event; the
    most lenient matching row counts, as in the late-reporting scan.
    """
    return f"""
    WITH src AS ({source}),
    g AS (
        SELECT s.kind, s.reporter_id, p.chemistry,
               {local_date("s.occurred_at")} AS occurred_on,
               {local_date("s.reported_at")} AS reported_on, sum(s.sign) AS n
        FROM src s JOIN batteries_battery p ON p.id = s.battery_id AND p.product_type = 'P'
        GROUP BY 1, 2, 3, 4, 5
    ),
    d AS ({deadlines("r.anchor = '' AND s.day BETWEEN %(day_min)s AND %(day_max)s")}),
    j AS (
        SELECT g.kind, g.reporter_id, g.chemistry, g.occurred_on, g.reported_on, g.n,
               ent.province, max(d.due) AS due
        FROM g JOIN enterprises_enterprise ent ON ent.id = g.reporter_id
        LEFT JOIN d ON d.event_kind = g.kind AND d.start = g.occurred_on
             AND {role_matches("d", "ent")}
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    )
    SELECT {_month("occurred_on")} AS month, reporter_id, province, kind, chemistry,
           sum(n) AS events,
           COALESCE(sum(n) FILTER (WHERE due IS NOT NULL), 0) AS judged,
           COALESCE(sum(n) FILTER (WHERE reported_on <= due), 0) AS on_time
    FROM j GROUP BY 1, 2, 3, 4, 5
    """


FLOW_COLUMNS = "month, enterprise_id, province, kind, chemistry, events, judged, on_time"
FLOW_UPSERT = """
ON CONFLICT (month, enterprise_id, kind, chemistry) DO UPDATE SET
    province = EXCLUDED.province,
    events = stats_flowcell.events + EXCLUDED.events,
    judged = stats_flowcell.judged + EXCLUDED.judged,
    on_time = stats_flowcell.on_time + EXCLUDED.on_time
"""

STOCK_FULL = """
INSERT INTO stats_stockcell (enterprise_id, province, state, packs)
SELECT b.holder_id, ent.province, b.state, count(*)
FROM batteries_battery b JOIN enterprises_enterprise ent ON ent.id = b.holder_id
WHERE b.product_type = 'P'
GROUP BY 1, 2, 3
"""

# Every applied event moves its pack out of where its previous event left it.
STOCK_BATCH = f"""
WITH delta AS (
    SELECT e.holder_after_id AS holder_id, e.state_after AS state, 1 AS n
    FROM stats_batch b JOIN {EVENTS} e ON e.id = b.id
    JOIN batteries_battery p ON p.id = e.battery_id AND p.product_type = 'P'
    UNION ALL
    SELECT pe.holder_after_id, pe.state_after, -1
    FROM stats_batch b JOIN {EVENTS} e ON e.id = b.id
    JOIN batteries_battery p ON p.id = e.battery_id AND p.product_type = 'P'
    JOIN {EVENTS} pe ON pe.battery_id = e.battery_id AND pe.seq = e.seq - 1
)
INSERT INTO stats_stockcell (enterprise_id, province, state, packs)
SELECT d.holder_id, ent.province, d.state, sum(d.n)
FROM delta d JOIN enterprises_enterprise ent ON ent.id = d.holder_id
GROUP BY 1, 2, 3
ON CONFLICT (enterprise_id, state) DO UPDATE SET packs = stats_stockcell.packs + EXCLUDED.packs
"""


def sales_sql(source: str) -> str:
    """Sales-area cells, as the outlet-coverage scan locates a sale (enforcement/scans)."""
    return f"""
    WITH src AS ({source}),
    s AS (
        SELECT s.sign, {_month(local_date("s.occurred_at"))} AS month,
               p.manufacturer_id, s.holder_after_id, rep.province, rep.prefecture
        FROM src s JOIN batteries_battery p ON p.id = s.battery_id AND p.product_type = 'P'
        JOIN enterprises_enterprise rep ON rep.id = s.reporter_id
        WHERE s.kind = 'sell'
    )
    SELECT month, manufacturer_id, 'province', province, province, sum(sign) FROM s
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT month, holder_after_id, 'prefecture', prefecture, left(prefecture, 2), sum(sign)
    FROM s GROUP BY 1, 2, 3, 4, 5
    """


SALES_COLUMNS = "month, enterprise_id, level, area, province, sales"
SALES_UPSERT = """
ON CONFLICT (month, enterprise_id, level, area) DO UPDATE SET
    sales = stats_salescell.sales + EXCLUDED.sales
"""

COVERAGE = """
INSERT INTO stats_coveragecell (enterprise_id, level, area, province, covered)
SELECT s.enterprise_id, s.level, s.area, s.province, EXISTS (
    SELECT 1 FROM enterprises_outlet o
    WHERE o.owner_id = s.enterprise_id AND o.status = 'active'
      AND (CASE WHEN s.level = 'province' THEN o.province ELSE o.prefecture END) = s.area)
FROM (
    SELECT enterprise_id, level, area, province FROM stats_salescell
    WHERE month >= %(window_month)s GROUP BY 1, 2, 3, 4 HAVING sum(sales) > 0
) s
JOIN enterprises_enterprise ent ON ent.id = s.enterprise_id
WHERE (s.level = 'province'
       AND ent.roles && ARRAY['battery_producer', 'battery_importer']::varchar[])
   OR (s.level = 'prefecture'
       AND ent.roles && ARRAY['vehicle_producer', 'vehicle_importer']::varchar[])
"""


def retirement_sql(only_batteries: bool) -> str:
    """One row per scrapped pack: its dismantler, deadline, first qualified arrival, outcome.

    The pack's latest live scrap event is its retirement; the deadline is the handover
    deadline counted from the scrapping (anchor scrap_vehicle) of the row in force that
    day, for the dismantler's roles (the most lenient); the arrival is the first live
    handover to a qualified receiver or receipt by one after the scrap event, as the
    scrapped-pack scan judges it. A pack with no arrival is `pending` while its deadline
    is on or after %(today)s, `not_arrived` after it or without a deadline row.
    """
    only = (
        "AND e.battery_id IN (SELECT battery_id FROM stats_touched_packs)" if only_batteries else ""
    )
    return f"""
    WITH qualified AS ({QUALIFIED_RECEIVERS}),
    d AS ({deadlines("r.event_kind = 'handover' AND r.anchor = 'scrap_vehicle'")}),
    s AS (
        SELECT DISTINCT ON (e.battery_id) e.id, e.battery_id, e.seq, e.reporter_id,
               {local_date("e.occurred_at")} AS scrapped_on
        FROM {EVENTS} e JOIN batteries_battery p ON p.id = e.battery_id AND p.product_type = 'P'
        WHERE e.kind = 'scrap_vehicle' AND {_not_voided("e")} {only}
        ORDER BY e.battery_id, e.seq DESC
    ),
    j AS (
        SELECT s.id, s.battery_id, s.seq, s.reporter_id, s.scrapped_on, ent.province,
               max(d.due) AS due
        FROM s JOIN enterprises_enterprise ent ON ent.id = s.reporter_id
        LEFT JOIN d ON d.start = s.scrapped_on AND {role_matches("d", "ent")}
        GROUP BY 1, 2, 3, 4, 5, 6
    ),
    arrival AS (
        SELECT DISTINCT ON (j.battery_id) j.battery_id,
               {local_date("q.occurred_at")} AS arrived_on
        FROM j JOIN {EVENTS} q ON q.battery_id = j.battery_id
        WHERE q.kind IN ('handover', 'receipt_confirm') AND q.seq > j.seq
          AND {local_date("q.occurred_at")} >= j.scrapped_on
          AND ((q.kind = 'handover' AND q.counterparty_id IN (SELECT id FROM qualified))
               OR (q.kind = 'receipt_confirm' AND q.reporter_id IN (SELECT id FROM qualified)))
          AND {_not_voided("q")}
        ORDER BY j.battery_id, q.occurred_at, q.id
    )
    SELECT j.battery_id, j.id, {_month("j.scrapped_on")}, j.reporter_id, j.province,
           j.scrapped_on, j.due, a.arrived_on,
           CASE WHEN a.arrived_on IS NULL AND j.due >= %(today)s THEN 'pending'
                WHEN a.arrived_on IS NULL THEN 'not_arrived'
                WHEN j.due IS NULL OR a.arrived_on <= j.due THEN 'on_time'
                ELSE 'late' END
    FROM j LEFT JOIN arrival a ON a.battery_id = j.battery_id
    """


RETIREMENT_COLUMNS = (
    "battery_id, scrap_event_id, month, enterprise_id, province, scrapped_on, due, "
    "arrived_on, outcome"
)

RECYCLING_CELLS = """
INSERT INTO stats_recyclingcell (month, enterprise_id, province, retired, on_time, late,
                                 not_arrived, pending)
SELECT r.month, r.enterprise_id, max(r.province), count(*),
       count(*) FILTER (WHERE r.outcome = 'on_time'),
       count(*) FILTER (WHERE r.outcome = 'late'),
       count(*) FILTER (WHERE r.outcome = 'not_arrived'),
       count(*) FILTER (WHERE r.outcome = 'pending')
FROM stats_retirement r {where}
GROUP BY 1, 2
"""

FINDINGS = f"""
INSERT INTO stats_findingcell (month, enterprise_id, province, rule, open, cured)
SELECT {_month(local_date("f.detected_at"))}, f.enterprise_id, ent.province, f.rule,
       count(*) FILTER (WHERE f.cured_at IS NULL), count(*) FILTER (WHERE f.cured_at IS NOT NULL)
FROM enforcement_finding f JOIN enterprises_enterprise ent ON ent.id = f.enterprise_id
GROUP BY 1, 2, 3, 4
"""

CASES = f"""
INSERT INTO stats_casecell (month, enterprise_id, province, rule, status, cases)
SELECT {_month(local_date("c.opened_at"))}, c.enterprise_id, c.province, c.rule, c.status,
       count(*)
FROM enforcement_case c GROUP BY 1, 2, 3, 4, 5
"""

# A fine counts in the month its (unrevoked) fine decision was issued; what was paid counts
# towards the fine up to its amount (the late-payment surcharge is not a fine issued).
FINES = f"""
INSERT INTO stats_finecell (month, enterprise_id, province, rule, fines, issued_fen, paid_fen)
SELECT {_month(local_date("d.issued_at"))}, c.enterprise_id, c.province, c.rule, count(*),
       sum(c.fine_fen), sum(LEAST(c.paid_fen, c.fine_fen))
FROM enforcement_document d JOIN enforcement_case c ON c.id = d.case_id
WHERE d.kind = 'fine_decision' AND d.revoked_at IS NULL AND c.fine_fen IS NOT NULL
GROUP BY 1, 2, 3, 4
"""

ENFORCEMENT_SIGNATURE = """
SELECT json_build_array(
    (SELECT max(id) FROM enforcement_scanrun),
    (SELECT json_build_array(count(*), max(id), count(cured_at), max(cured_at)::text)
     FROM enforcement_finding),
    (SELECT json_build_array(count(*), max(updated_at)::text, sum(paid_fen),
                             sum(fine_fen)) FROM enforcement_case),
    (SELECT json_build_array(count(*), max(id), count(revoked_at)) FROM enforcement_document
     WHERE kind = 'fine_decision'),
    (SELECT json_build_array(count(*), max(id)) FROM enforcement_payment)
)
"""


@dataclass
class RefreshOutcome:
    mode: str  # "full" or "incremental"
    events: int = 0  # events applied (incremental) or counted (full)
    enforcement: bool = False  # findings, cases and fines recounted
    seconds: float = 0.0
    timings: dict | None = None

    def as_dict(self) -> dict:
        return {
            "mode": self.mode,
            "events": self.events,
            "enforcement": self.enforcement,
            "seconds": round(self.seconds, 3),
            "timings": self.timings or {},
        }


class _Timer:
    def __init__(self):
        self.timings: dict[str, float] = {}

    def run(self, cursor, label: str, sql: str, params: dict | None = None) -> int:
        started = time.perf_counter()
        cursor.execute(sql, params or {})
        self.timings[label] = round(self.timings.get(label, 0) + time.perf_counter() - started, 4)
        return cursor.rowcount


def beijing_today() -> dt.date:
    """The current date in Beijing: the day deadlines are judged against by default."""
    return timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))


def _params(today: dt.date, **extra) -> dict:
    window = (today.replace(day=1) - dt.timedelta(days=334)).replace(day=1)
    return {
        "tz": settings.TIME_ZONE,
        "day_min": dt.date(2000, 1, 1),
        "day_max": dt.date(2100, 1, 1),
        "window_month": window,
        "today": today,
        **extra,
    }


def _begin(cursor, outermost: bool) -> None:
    # Inside an enclosing transaction (a test, a caller's atomic block) its snapshot rules.
    if outermost:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _state_save(group: str, mode: str, seconds: float, **fields) -> None:
    RefreshState.objects.update_or_create(
        group=group,
        defaults={
            "refreshed_at": timezone.now(),
            "mode": mode,
            "duration_ms": int(seconds * 1000),
            **fields,
        },
    )


def _enforcement_refresh(cursor, timer: _Timer, force: bool, today: dt.date) -> bool:
    """Recount findings, cases and fines if anything changed (or when forced)."""
    cursor.execute(ENFORCEMENT_SIGNATURE)
    signature = cursor.fetchone()[0]
    state = RefreshState.objects.filter(group=RefreshState.Group.ENFORCEMENT).first()
    if not force and state is not None and state.signature == signature:
        RefreshState.objects.filter(pk=state.pk).update(refreshed_at=timezone.now())
        return False
    started = time.perf_counter()
    for table, sql in (
        ("stats_findingcell", FINDINGS),
        ("stats_casecell", CASES),
        ("stats_finecell", FINES),
    ):
        timer.run(cursor, table, f"DELETE FROM {table}")
        timer.run(cursor, table, sql, _params(today))
    _state_save(
        RefreshState.Group.ENFORCEMENT,
        "full" if force else "incremental",
        time.perf_counter() - started,
        signature=signature,
    )
    return True


def _coverage_refresh(cursor, timer: _Timer, today: dt.date) -> None:
    timer.run(cursor, "coverage", "DELETE FROM stats_coveragecell")
    timer.run(cursor, "coverage", COVERAGE, _params(today))


def full_rebuild(today: dt.date | None = None) -> RefreshOutcome:
    """Rebuild every rollup from the registry and the enforcement tables.

    `today` (default: the current Beijing date) is the day deadlines are judged against: a
    scrapped pack not yet arrived whose deadline is on or after it is pending.
    """
    from enforcement.services.calendar import calendar_table_ensure

    calendar_table_ensure()
    today = today or beijing_today()
    started, timer = time.perf_counter(), _Timer()
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        _begin(cursor, outermost)
        params = _params(today)
        cursor.execute(f"SELECT COALESCE(max(id), 0), count(*) FROM {EVENTS}")
        watermark, events = cursor.fetchone()
        for table in (
            "stats_flowcell",
            "stats_stockcell",
            "stats_salescell",
            "stats_retirement",
            "stats_recyclingcell",
            "stats_appliedevent",
        ):
            cursor.execute(f"TRUNCATE {table}")
        timer.run(
            cursor,
            "flows",
            f"INSERT INTO stats_flowcell ({FLOW_COLUMNS}) {flow_sql(ALL_LIVE)}",
            params,
        )
        timer.run(cursor, "stock", STOCK_FULL)
        timer.run(
            cursor,
            "sales",
            f"INSERT INTO stats_salescell ({SALES_COLUMNS}) {sales_sql(ALL_LIVE)}",
            params,
        )
        timer.run(
            cursor,
            "retirements",
            f"INSERT INTO stats_retirement ({RETIREMENT_COLUMNS}) {retirement_sql(False)}",
            params,
        )
        timer.run(cursor, "recycling", RECYCLING_CELLS.format(where=""))
        _coverage_refresh(cursor, timer, today)
        timer.run(
            cursor,
            "ledger",
            f"INSERT INTO stats_appliedevent (id) SELECT id FROM {EVENTS} WHERE id > %(low)s",
            {"low": watermark - LOOKBACK_IDS},
        )
        _enforcement_refresh(cursor, timer, force=True, today=today)
        seconds = time.perf_counter() - started
        _state_save(
            RefreshState.Group.EVENTS, "full", seconds, last_event_id=watermark, rows=events
        )
    return RefreshOutcome(
        "full", events=events, enforcement=True, seconds=seconds, timings=timer.timings
    )


def incremental_refresh(today: dt.date | None = None) -> RefreshOutcome:
    """Apply the events committed since the last refresh, and recount what they touched.

    Pending retirements whose deadline is before `today` (default: the current Beijing
    date) become not arrived. Without a previous full rebuild (a fresh database) this is a
    full rebuild.
    """
    today = today or beijing_today()
    state = RefreshState.objects.filter(group=RefreshState.Group.EVENTS).first()
    if state is None:
        return full_rebuild(today)
    started, timer = time.perf_counter(), _Timer()
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        _begin(cursor, outermost)
        state = RefreshState.objects.get(group=RefreshState.Group.EVENTS)
        watermark = state.last_event_id
        _temp(cursor, "stats_batch", "(id bigint PRIMARY KEY)")
        batch = timer.run(
            cursor,
            "batch",
            f"""INSERT INTO stats_batch (id)
            SELECT e.id FROM {EVENTS} e WHERE e.id > %(low)s
              AND NOT EXISTS (SELECT 1 FROM stats_appliedevent a WHERE a.id = e.id)""",
            {"low": watermark - LOOKBACK_IDS},
        )
        if batch > FULL_REBUILD_ABOVE:
            transaction.set_rollback(True)
            batch = -1
        elif batch:
            _apply_batch(cursor, timer, watermark, today)
        if batch >= 0:
            _lapsed_apply(cursor, timer, today)
            _coverage_refresh(cursor, timer, today)
            enforcement = _enforcement_refresh(cursor, timer, force=False, today=today)
            RefreshState.objects.filter(group=RefreshState.Group.EVENTS).update(
                refreshed_at=timezone.now(),
                mode="incremental",
                duration_ms=int((time.perf_counter() - started) * 1000),
            )
    if batch < 0:
        return full_rebuild(today)
    return RefreshOutcome(
        "incremental",
        events=batch,
        enforcement=enforcement,
        seconds=time.perf_counter() - started,
        timings=timer.timings,
    )


def _temp(cursor, name: str, columns: str) -> None:
    """(Re)create a temporary table; a caller's enclosing transaction may still hold one."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    if columns:
        cursor.execute(f"CREATE TEMP TABLE {name} {columns} ON COMMIT DROP")


def _apply_batch(cursor, timer: _Timer, watermark: int, today: dt.date) -> None:
    cursor.execute("ANALYZE stats_batch")
    cursor.execute(
        f"SELECT min(({local_date('e.occurred_at')})), max(({local_date('e.occurred_at')})), "
        f"max(b.id) FROM stats_batch b JOIN {EVENTS} e ON e.id = b.id",
        {"tz": settings.TIME_ZONE},
    )
    day_min, day_max, top = cursor.fetchone()
    # A void's voided event may have occurred earlier than anything in the batch.
    cursor.execute(
        f"SELECT min(({local_date('x.occurred_at')})) FROM stats_batch b "
        f"JOIN {EVENTS} v ON v.id = b.id AND v.kind = 'void' JOIN {EVENTS} x ON x.id = v.voids_id",
        {"tz": settings.TIME_ZONE},
    )
    voided_min = cursor.fetchone()[0]
    if voided_min is not None and (day_min is None or voided_min < day_min):
        day_min = voided_min
    params = _params(
        today, day_min=day_min or dt.date(2000, 1, 1), day_max=day_max or dt.date(2100, 1, 1)
    )
    timer.run(
        cursor,
        "flows",
        f"INSERT INTO stats_flowcell ({FLOW_COLUMNS}) {flow_sql(BATCH)} {FLOW_UPSERT}",
        params,
    )
    timer.run(cursor, "stock", STOCK_BATCH)
    timer.run(
        cursor,
        "sales",
        f"INSERT INTO stats_salescell ({SALES_COLUMNS}) {sales_sql(BATCH)} {SALES_UPSERT}",
        params,
    )
    _retirements_apply(cursor, timer, params)
    timer.run(cursor, "ledger", "INSERT INTO stats_appliedevent (id) SELECT id FROM stats_batch")
    new_watermark = max(watermark, top)
    timer.run(
        cursor,
        "ledger",
        "DELETE FROM stats_appliedevent WHERE id <= %(low)s",
        {"low": new_watermark - LOOKBACK_IDS},
    )
    RefreshState.objects.filter(group=RefreshState.Group.EVENTS).update(last_event_id=new_watermark)


def _retirements_apply(cursor, timer: _Timer, params: dict) -> None:
    """Recompute the retirements of the packs the batch touched, then their cells."""
    _temp(cursor, "stats_touched_packs", "")
    _temp(cursor, "stats_touched_cells", "")
    timer.run(
        cursor,
        "retirements",
        f"""CREATE TEMP TABLE stats_touched_packs ON COMMIT DROP AS
        SELECT DISTINCT e.battery_id FROM stats_batch b JOIN {EVENTS} e ON e.id = b.id
        WHERE e.kind IN ('scrap_vehicle', 'handover', 'receipt_confirm', 'void')""",
    )
    timer.run(
        cursor,
        "retirements",
        """CREATE TEMP TABLE stats_touched_cells ON COMMIT DROP AS
        WITH gone AS (
            DELETE FROM stats_retirement
            WHERE battery_id IN (SELECT battery_id FROM stats_touched_packs)
            RETURNING month, enterprise_id)
        SELECT month, enterprise_id FROM gone""",
    )
    timer.run(
        cursor,
        "retirements",
        f"""WITH fresh AS (
            INSERT INTO stats_retirement ({RETIREMENT_COLUMNS}) {retirement_sql(True)}
            RETURNING month, enterprise_id)
        INSERT INTO stats_touched_cells SELECT month, enterprise_id FROM fresh""",
        params,
    )
    _cells_recount(cursor, timer, "stats_touched_cells")


def _lapsed_apply(cursor, timer: _Timer, today: dt.date) -> None:
    """Pending retirements whose deadline passed before `today` are not arrived now.

    An arrival would have been an event, and its pack recomputed with the batch; what is
    still pending here had none. The partial index on `due` (outcome pending) keeps this
    one UPDATE small; only the cells of the packs it changed are recounted.
    """
    _temp(cursor, "stats_lapsed_cells", "")
    changed = timer.run(
        cursor,
        "lapsed",
        """CREATE TEMP TABLE stats_lapsed_cells ON COMMIT DROP AS
        WITH lapsed AS (
            UPDATE stats_retirement SET outcome = 'not_arrived'
            WHERE outcome = 'pending' AND due < %(today)s
            RETURNING month, enterprise_id)
        SELECT DISTINCT month, enterprise_id FROM lapsed""",
        {"today": today},
    )
    if changed:
        _cells_recount(cursor, timer, "stats_lapsed_cells")


def _cells_recount(cursor, timer: _Timer, cells: str) -> None:
    """Recount the recycling cells (month, enterprise_id) listed in the temp table `cells`."""
    timer.run(
        cursor,
        "recycling",
        f"""DELETE FROM stats_recyclingcell c USING {cells} t
        WHERE c.month = t.month AND c.enterprise_id = t.enterprise_id""",
    )
    timer.run(
        cursor,
        "recycling",
        RECYCLING_CELLS.format(
            where="WHERE (r.month, r.enterprise_id) IN "
            f"(SELECT DISTINCT month, enterprise_id FROM {cells})"
        ),
    )
