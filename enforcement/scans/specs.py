"""The detection rules as set-based SQL: one query per rule over the whole registry.

Each spec fills the temporary table `scan_base` (the candidates it examines, counted in the
run log) and then selects its findings from it, one row per violation key, with the
columns of `enforcement_finding`:

    key, subject, enterprise_id, battery_id, anchor_date, deadline, deadline_rule_id,
    evidence (event ids), details (jsonb), cured_at

The pure decisions these queries implement, with their legal basis, are in
enforcement/rules.py; tests hold both to the same literal expectations.
"""

from dataclasses import dataclass

from enforcement.scans.sql import (
    QUALIFIED_ARRIVAL,
    QUALIFIED_RECEIVERS,
    deadlines,
    live,
    local_date,
    role_matches,
)


@dataclass(frozen=True)
class ScanSpec:
    rule: str
    base: str  # SELECT … → the temporary table scan_base
    result: str  # SELECT the finding columns FROM scan_base …
    # True: a finding no longer found is cured (a gap that closed); False: findings are
    # facts of the past, cured only when the query says so (a late act).
    cures_when_absent: bool = False


# --- scrapped_pack_not_handed_over ---------------------------------------------------------------
# A scrapped vehicle's pack not handed over to a qualified receiver within the deadline
# counted from the scrapping: scrapped in the portal (the dismantler's scrap event) or in
# the commerce authorities' register (a VIN whose bound pack never got a portal scrap
# report). The dismantler is held responsible.

SCRAPPED_BASE = f"""
SELECT e.id AS scrap_id, e.battery_id, e.seq, e.reporter_id AS dismantler_id,
       {local_date("e.occurred_at")} AS scrapped_on, NULL::bigint AS register_id
FROM batteries_lifecycleevent e
WHERE e.kind = 'scrap_vehicle' AND {live("e")}
UNION ALL
SELECT NULL, bd.battery_id, 0, r.dismantler_id, r.scrapped_on, r.id
FROM enforcement_scrapregisterentry r
JOIN batteries_vehicle vh ON vh.vin = r.vin
JOIN batteries_vehiclebinding bd ON bd.vehicle_id = vh.id
 AND {local_date("bd.bound_at")} <= r.scrapped_on
 AND (bd.unbound_at IS NULL OR {local_date("bd.unbound_at")} >= r.scrapped_on)
WHERE r.dismantler_id IS NOT NULL AND r.scrapped_on <= %(as_of)s
  AND NOT EXISTS (SELECT 1 FROM batteries_scrappedvehicle sv WHERE sv.vin = r.vin)
  AND NOT EXISTS (
      SELECT 1 FROM batteries_lifecycleevent s
      WHERE s.battery_id = bd.battery_id AND s.kind = 'scrap_vehicle' AND {live("s")})
"""

SCRAPPED_RESULT = f"""
WITH qualified AS ({QUALIFIED_RECEIVERS}),
d AS ({deadlines("r.event_kind = 'handover' AND r.anchor = 'scrap_vehicle'")}),
judged AS (
    SELECT DISTINCT ON (b.battery_id) b.*, d.rule_id, d.due
    FROM scan_base b
    JOIN enterprises_enterprise ent ON ent.id = b.dismantler_id
    JOIN d ON d.start = b.scrapped_on AND {role_matches("d", "ent")}
    ORDER BY b.battery_id, b.register_id NULLS FIRST, b.scrapped_on DESC, d.due DESC
),
arrival AS (
    -- The first arrival of each pack, as one join: a LIMIT 1 subquery per pack costs an
    -- index probe per scrapped pack (1.6 s of 2.1 s at 1M packs, bench/scans.py).
    SELECT DISTINCT ON (j.battery_id) j.battery_id, q.id AS arrival_id,
           q.occurred_at AS arrived_at
    FROM judged j
    JOIN batteries_lifecycleevent q ON q.battery_id = j.battery_id
    WHERE q.kind IN ('handover', 'receipt_confirm')
      AND (j.scrap_id IS NULL OR q.seq > j.seq)
      AND {local_date("q.occurred_at")} >= j.scrapped_on
      AND {QUALIFIED_ARRIVAL} AND {live("q")}
    ORDER BY j.battery_id, q.occurred_at, q.id
)
SELECT 'pack:' || p.code AS key, p.code AS subject, j.dismantler_id AS enterprise_id,
       j.battery_id, j.scrapped_on AS anchor_date, j.due AS deadline,
       j.rule_id AS deadline_rule_id,
       array_remove(ARRAY[j.scrap_id, a.arrival_id], NULL) AS evidence,
       jsonb_build_object(
           'source', CASE WHEN j.register_id IS NULL THEN 'portal' ELSE 'register' END,
           'register_entry', j.register_id,
           'handed_over_on', {local_date("a.arrived_at")}) AS details,
       CASE WHEN a.arrived_at IS NOT NULL THEN a.arrived_at END AS cured_at
FROM judged j
JOIN batteries_battery p ON p.id = j.battery_id
LEFT JOIN arrival a ON a.battery_id = j.battery_id
WHERE (a.arrived_at IS NULL AND %(as_of)s > j.due)
   OR {local_date("a.arrived_at")} > j.due
"""

# --- vehicle_scrapped_without_pack ---------------------------------------------------------------
# A scrap record that says the pack (or one of the packs) was missing, or a register VIN
# whose vehicle had a pack that left it before the scrapping; swap models exempt.

WITHOUT_PACK_BASE = """
SELECT 'record' AS source, sv.id AS record_id, sv.certificate_no, sv.vin, sv.dismantler_id,
       sv.scrapped_at, sv.pack_status, COALESCE(vh.is_swap_model, false) AS swap_model,
       NULL::bigint AS register_id
FROM batteries_scrappedvehicle sv
LEFT JOIN batteries_vehicle vh ON vh.id = sv.vehicle_id
WHERE sv.scrapped_at < %(cutoff)s AND sv.pack_status IN ('missing', 'partial')
UNION ALL
SELECT 'register', NULL, r.certificate_no, r.vin, r.dismantler_id, NULL, '', vh.is_swap_model,
       r.id
FROM enforcement_scrapregisterentry r
JOIN batteries_vehicle vh ON vh.vin = r.vin
WHERE r.dismantler_id IS NOT NULL AND r.scrapped_on <= %(as_of)s
"""

WITHOUT_PACK_RESULT = f"""
SELECT 'record:' || b.certificate_no || ':' || COALESCE(p.code, '') AS key,
       b.vin AS subject, b.dismantler_id AS enterprise_id, p.id AS battery_id,
       {local_date("b.scrapped_at")} AS anchor_date, NULL::date AS deadline,
       NULL::bigint AS deadline_rule_id, ARRAY[]::bigint[] AS evidence,
       jsonb_build_object('source', 'record', 'certificate_no', b.certificate_no,
                          'pack_status', b.pack_status) AS details,
       NULL::timestamptz AS cured_at
FROM scan_base b
LEFT JOIN batteries_scrappedvehiclepack sp ON sp.record_id = b.record_id AND NOT sp.arrived
LEFT JOIN batteries_battery p ON p.id = sp.battery_id
WHERE b.source = 'record' AND NOT b.swap_model
  AND (sp.id IS NOT NULL OR NOT EXISTS (
      SELECT 1 FROM batteries_scrappedvehiclepack x WHERE x.record_id = b.record_id))
UNION ALL
SELECT 'register:' || b.certificate_no, b.vin, b.dismantler_id, last.battery_id,
       (SELECT scrapped_on FROM enforcement_scrapregisterentry WHERE id = b.register_id),
       NULL, NULL, array_remove(ARRAY[last.unbound_by_id], NULL),
       jsonb_build_object('source', 'register', 'certificate_no', b.certificate_no,
                          'register_entry', b.register_id),
       NULL
FROM scan_base b
JOIN enforcement_scrapregisterentry r ON r.id = b.register_id
JOIN batteries_vehicle vh ON vh.vin = b.vin
CROSS JOIN LATERAL (
    SELECT bd.battery_id, bd.unbound_by_id FROM batteries_vehiclebinding bd
    WHERE bd.vehicle_id = vh.id AND {local_date("bd.bound_at")} <= r.scrapped_on
    ORDER BY bd.bound_at DESC LIMIT 1
) last
WHERE b.source = 'register' AND NOT b.swap_model
  AND NOT EXISTS (
      SELECT 1 FROM batteries_vehiclebinding bd
      WHERE bd.vehicle_id = vh.id AND {local_date("bd.bound_at")} <= r.scrapped_on
        AND (bd.unbound_at IS NULL OR {local_date("bd.unbound_at")} >= r.scrapped_on))
  AND NOT EXISTS (SELECT 1 FROM batteries_scrappedvehicle sv WHERE sv.vin = b.vin)
"""

# --- handover_to_unqualified_receiver ------------------------------------------------------------
# A handover whose receiver is neither a comprehensive-utilization enterprise nor runs a
# producer's operating outlet. The sender is held responsible; the finding is cured when
# the pack later reaches a qualified receiver.

UNQUALIFIED_BASE = f"""
SELECT e.id AS handover_id, e.battery_id, e.seq, e.reporter_id, e.counterparty_id,
       e.occurred_at
FROM batteries_lifecycleevent e
WHERE e.kind = 'handover' AND {live("e")}
"""

UNQUALIFIED_RESULT = f"""
WITH qualified AS ({QUALIFIED_RECEIVERS})
SELECT 'event:' || b.handover_id AS key, p.code AS subject, b.reporter_id AS enterprise_id,
       b.battery_id, {local_date("b.occurred_at")} AS anchor_date, NULL::date AS deadline,
       NULL::bigint AS deadline_rule_id,
       array_remove(ARRAY[b.handover_id, a.id], NULL) AS evidence,
       jsonb_build_object('receiver', b.counterparty_id, 'receiver_uscc', rec.uscc,
                          'receiver_name', rec.name, 'receiver_roles', rec.roles) AS details,
       a.occurred_at AS cured_at
FROM scan_base b
JOIN batteries_battery p ON p.id = b.battery_id
JOIN enterprises_enterprise rec ON rec.id = b.counterparty_id
LEFT JOIN LATERAL (
    SELECT q.id, q.occurred_at FROM batteries_lifecycleevent q
    WHERE q.battery_id = b.battery_id AND q.seq > b.seq
      AND q.kind IN ('handover', 'receipt_confirm') AND {QUALIFIED_ARRIVAL} AND {live("q")}
    ORDER BY q.seq LIMIT 1
) a ON true
WHERE b.counterparty_id NOT IN (SELECT id FROM qualified)
"""

# --- handover_not_confirmed ----------------------------------------------------------------------
# The receiver must confirm or dispute a handover within the deadline counted from the
# day it was told of it (the later of the handover and its report); a dispute must be
# settled by the giver handing the pack over again within its own deadline, or both
# sides are held responsible.

NOT_CONFIRMED_BASE = f"""
SELECT h.id AS handover_id, h.battery_id, h.giver_id, h.receiver_id, h.status,
       h.handover_event_id, h.resolution_event_id,
       GREATEST({local_date("he.occurred_at")}, {local_date("he.reported_at")}) AS told_on,
       CASE WHEN re.id IS NOT NULL AND re.occurred_at < %(cutoff)s THEN re.occurred_at END
           AS resolved_at,
       re.kind AS resolution_kind, re.seq AS resolution_seq
FROM batteries_handover h
-- The kinds hold by construction (a pair opens with the giver's handover and closes with
-- the receiver's receipt or dispute); naming them lets PostgreSQL read the handover events
-- by the (kind, occurred_at) index instead of the whole events table (1.3 s → 0.7 s at
-- 1M packs, bench/scans.py).
JOIN batteries_lifecycleevent he ON he.id = h.handover_event_id AND he.kind = 'handover'
LEFT JOIN batteries_lifecycleevent re ON re.id = h.resolution_event_id
 AND re.kind IN ('receipt_confirm', 'receipt_dispute')
WHERE h.status IN ('open', 'confirmed', 'disputed') AND {live("he")}
"""

NOT_CONFIRMED_RESULT = f"""
WITH d AS ({deadlines("r.event_kind = 'receipt_confirm' AND r.anchor = 'handover'")}),
ds AS ({deadlines("r.event_kind = 'handover' AND r.anchor = 'receipt_dispute'")}),
unconfirmed AS (
    SELECT DISTINCT ON (b.handover_id) b.*, d.rule_id, d.due
    FROM scan_base b
    JOIN enterprises_enterprise ent ON ent.id = b.receiver_id
    JOIN d ON d.start = b.told_on AND {role_matches("d", "ent")}
    ORDER BY b.handover_id, d.due DESC
),
disputed AS (
    SELECT DISTINCT ON (b.handover_id) b.*, ds.rule_id, ds.due,
           {local_date("b.resolved_at")} AS disputed_on, settle.id AS settle_id,
           settle.occurred_at AS settled_at
    FROM scan_base b
    JOIN enterprises_enterprise ent ON ent.id = b.giver_id
    JOIN ds ON ds.start = {local_date("b.resolved_at")} AND {role_matches("ds", "ent")}
    LEFT JOIN LATERAL (
        SELECT q.id, q.occurred_at FROM batteries_lifecycleevent q
        WHERE q.battery_id = b.battery_id AND q.seq > b.resolution_seq
          AND q.kind = 'handover' AND {live("q")}
        ORDER BY q.seq LIMIT 1
    ) settle ON true
    WHERE b.status = 'disputed' AND b.resolution_kind = 'receipt_dispute'
      AND b.resolved_at IS NOT NULL
    ORDER BY b.handover_id, ds.due DESC
)
SELECT 'handover:' || u.handover_id AS key, p.code AS subject,
       u.receiver_id AS enterprise_id, u.battery_id, u.told_on AS anchor_date,
       u.due AS deadline, u.rule_id AS deadline_rule_id,
       array_remove(ARRAY[u.handover_event_id, u.resolution_event_id], NULL) AS evidence,
       jsonb_build_object('kind', 'unconfirmed', 'handover', u.handover_id,
                          'resolved_on', {local_date("u.resolved_at")}) AS details,
       u.resolved_at AS cured_at
FROM unconfirmed u JOIN batteries_battery p ON p.id = u.battery_id
WHERE (u.resolved_at IS NULL AND %(as_of)s > u.due)
   OR {local_date("u.resolved_at")} > u.due
UNION ALL
SELECT 'dispute:' || x.handover_id || ':' || side.name, p.code, side.enterprise_id,
       x.battery_id, x.disputed_on, x.due, x.rule_id,
       array_remove(ARRAY[x.handover_event_id, x.resolution_event_id, x.settle_id], NULL),
       jsonb_build_object('kind', 'dispute', 'handover', x.handover_id, 'side', side.name,
                          'settled_on', {local_date("x.settled_at")}),
       x.settled_at
FROM disputed x
JOIN batteries_battery p ON p.id = x.battery_id
CROSS JOIN LATERAL (VALUES ('giver', x.giver_id), ('receiver', x.receiver_id))
    AS side(name, enterprise_id)
WHERE (x.settled_at IS NULL AND %(as_of)s > x.due) OR {local_date("x.settled_at")} > x.due
"""

# --- late_reporting ------------------------------------------------------------------------------
# An event reported after the reporting deadline of the row in force on the day it
# occurred. Only events whose delay exceeds the shortest reporting deadline of any row are
# candidates (a working day is never shorter than a calendar day), so the scan reads the
# events table once and joins a few rows.

LATE_BASE = f"""
SELECT e.id AS event_id, e.battery_id, e.kind, e.reporter_id,
       {local_date("e.occurred_at")} AS occurred_on, {local_date("e.reported_at")} AS reported_on
FROM batteries_lifecycleevent e
WHERE e.kind = ANY(%(late_kinds)s)
  AND e.reported_at - e.occurred_at > (%(late_min_days)s - 1) * interval '1 day'
  AND {live("e")}
"""

LATE_RESULT = f"""
WITH d AS ({deadlines("r.anchor = '' AND r.event_kind = ANY(%(late_kinds)s)")}),
judged AS (
    SELECT DISTINCT ON (b.event_id) b.*, d.rule_id, d.due
    FROM scan_base b
    JOIN enterprises_enterprise ent ON ent.id = b.reporter_id
    JOIN d ON d.event_kind = b.kind AND d.start = b.occurred_on AND {role_matches("d", "ent")}
    ORDER BY b.event_id, d.due DESC
)
SELECT 'event:' || j.event_id AS key, p.code AS subject, j.reporter_id AS enterprise_id,
       j.battery_id, j.occurred_on AS anchor_date, j.due AS deadline,
       j.rule_id AS deadline_rule_id, ARRAY[j.event_id] AS evidence,
       jsonb_build_object('kind', j.kind, 'reported_on', j.reported_on) AS details,
       NULL::timestamptz AS cured_at
FROM judged j JOIN batteries_battery p ON p.id = j.battery_id
WHERE j.reported_on > j.due AND %(as_of)s > j.due
"""

# --- coding_violation ----------------------------------------------------------------------------
# Codes an enterprise submitted for registration that the registry refused (malformed,
# duplicate, another manufacturer's or an unregistered manufacturer code), from every
# channel; the submitter is held responsible.

CODING_BASE = """
SELECT id, enterprise_id, code, error_code, message, attempts, channel, first_at, last_at
FROM batteries_coderejection WHERE first_at < %(cutoff)s
"""

CODING_RESULT = f"""
SELECT b.enterprise_id || ':' || b.error_code || ':' || b.code AS key, b.code AS subject,
       b.enterprise_id, NULL::bigint AS battery_id, {local_date("b.first_at")} AS anchor_date,
       NULL::date AS deadline, NULL::bigint AS deadline_rule_id, ARRAY[]::bigint[] AS evidence,
       jsonb_build_object('error_code', b.error_code, 'message', b.message,
                          'attempts', b.attempts, 'channel', b.channel,
                          'last_on', {local_date("b.last_at")}) AS details,
       NULL::timestamptz AS cured_at
FROM scan_base b
"""

# --- outlet_coverage_gap -------------------------------------------------------------------------
# A battery producer must have an operating recycling outlet in every province where it
# sells batteries, a vehicle producer in every prefecture where it sells NEVs. Where it
# sells: the sale events of the last 12 months — for a battery producer those of its packs,
# located in the province of the enterprise that reported the sale (the dealer or the
# vehicle producer); for a vehicle producer those of the vehicles it held at the sale,
# located in the prefecture of the reporter. The finding is cured once the area is
# covered (or no longer has sales).

# Both levels from one read of the sales (grouping sets), not two.
COVERAGE_BASE = f"""
SELECT CASE WHEN GROUPING(p.manufacturer_id) = 0 THEN p.manufacturer_id
            ELSE e.holder_after_id END AS producer_id,
       CASE WHEN GROUPING(p.manufacturer_id) = 0 THEN 'province' ELSE 'prefecture' END AS level,
       CASE WHEN GROUPING(p.manufacturer_id) = 0 THEN rep.province ELSE rep.prefecture END
           AS area,
       count(*) AS sales, max(e.id) AS last_sale
FROM batteries_lifecycleevent e
JOIN batteries_battery p ON p.id = e.battery_id
JOIN enterprises_enterprise rep ON rep.id = e.reporter_id
WHERE e.kind = 'sell' AND e.occurred_at >= %(window_start)s AND {live("e")}
GROUP BY GROUPING SETS ((p.manufacturer_id, rep.province), (e.holder_after_id, rep.prefecture))
"""

# The key names the producer: two producers without an outlet in the same area are two
# violations (with `level:area` alone the second was dropped as "already known").
COVERAGE_RESULT = """
SELECT b.producer_id || ':' || b.level || ':' || b.area AS key, b.area AS subject,
       b.producer_id AS enterprise_id,
       NULL::bigint AS battery_id, NULL::date AS anchor_date, NULL::date AS deadline,
       NULL::bigint AS deadline_rule_id, ARRAY[b.last_sale] AS evidence,
       jsonb_build_object('level', b.level, 'area', b.area, 'sales', b.sales) AS details,
       NULL::timestamptz AS cured_at
FROM scan_base b
JOIN enterprises_enterprise ent ON ent.id = b.producer_id
WHERE ((b.level = 'province'
        AND ent.roles && ARRAY['battery_producer', 'battery_importer']::varchar[])
    OR (b.level = 'prefecture'
        AND ent.roles && ARRAY['vehicle_producer', 'vehicle_importer']::varchar[]))
  AND NOT EXISTS (
      SELECT 1 FROM enterprises_outlet o
      WHERE o.owner_id = b.producer_id AND o.status = 'active'
        AND (CASE WHEN b.level = 'province' THEN o.province ELSE o.prefecture END) = b.area)
"""

# --- prohibited_reuse ----------------------------------------------------------------------------
# A repurposing whose declared use is a prohibited field (e-bikes among others), matched
# with the keywords of batteries.rules.PROHIBITED_USE_KEYWORDS; the reporter is held
# responsible.

PROHIBITED_BASE = f"""
SELECT e.id AS event_id, e.battery_id, e.reporter_id, e.occurred_at,
       e.details->>'declared_use' AS declared_use, e.details->>'new_code' AS new_code
FROM batteries_lifecycleevent e
WHERE e.kind = 'repurpose' AND {live("e")}
"""

PROHIBITED_RESULT = f"""
SELECT 'event:' || b.event_id AS key, p.code AS subject, b.reporter_id AS enterprise_id,
       b.battery_id, {local_date("b.occurred_at")} AS anchor_date, NULL::date AS deadline,
       NULL::bigint AS deadline_rule_id, ARRAY[b.event_id] AS evidence,
       jsonb_build_object('declared_use', b.declared_use, 'new_code', b.new_code) AS details,
       NULL::timestamptz AS cured_at
FROM scan_base b JOIN batteries_battery p ON p.id = b.battery_id
WHERE lower(COALESCE(b.declared_use, '')) LIKE ANY(%(prohibited_patterns)s)
"""

SPECS: dict[str, ScanSpec] = {
    spec.rule: spec
    for spec in (
        ScanSpec("scrapped_pack_not_handed_over", SCRAPPED_BASE, SCRAPPED_RESULT),
        ScanSpec("vehicle_scrapped_without_pack", WITHOUT_PACK_BASE, WITHOUT_PACK_RESULT),
        ScanSpec("handover_to_unqualified_receiver", UNQUALIFIED_BASE, UNQUALIFIED_RESULT),
        ScanSpec("handover_not_confirmed", NOT_CONFIRMED_BASE, NOT_CONFIRMED_RESULT),
        ScanSpec("late_reporting", LATE_BASE, LATE_RESULT),
        ScanSpec("coding_violation", CODING_BASE, CODING_RESULT),
        ScanSpec("outlet_coverage_gap", COVERAGE_BASE, COVERAGE_RESULT, cures_when_absent=True),
        ScanSpec("prohibited_reuse", PROHIBITED_BASE, PROHIBITED_RESULT),
    )
}
