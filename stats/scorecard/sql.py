"""The scorecard's inputs as set-based SQL: one query per figure over the whole registry.

Parameters (psycopg named): `tz` (Asia/Shanghai), `start` and `cutoff` (the first moment of
the month and of the next one, Beijing time), `as_of` (the month's last day), `used` (the
states of a used pack in someone's hands, see USED_STATES). Each query returns one row per
enterprise; the service turns them into `stats.scorecard.rules.Facts`.
"""

from enforcement.scans.sql import deadlines, local_date, role_matches

# A used pack in an enterprise's hands: taken out of a vehicle or the swap pool, at an
# outlet or a dismantler, handed over and awaiting the receiver, received by a
# comprehensive-utilization enterprise. Not before use (registered … sold) and not after
# processing (recycled, repurposed).
USED_STATES = [
    "in_swap_pool",
    "removed",
    "at_outlet",
    "vehicle_scrapped",
    "dismantled",
    "handed_over",
    "received",
]

# On-time reporting in the month: every live event reported in it whose kind has a
# reporting deadline (a DeadlineRule without anchor), judged by the row in force on the day
# it occurred, for the reporter's roles, with the calendar table (as the late-reporting scan).
ON_TIME = f"""
WITH d AS ({deadlines("r.anchor = ''")}),
ev AS (
    SELECT e.id, e.kind, e.reporter_id, {local_date("e.occurred_at")} AS occurred_on,
           {local_date("e.reported_at")} AS reported_on
    FROM batteries_lifecycleevent e
    WHERE e.reported_at >= %(start)s AND e.reported_at < %(cutoff)s
      AND e.kind IN (SELECT event_kind FROM enforcement_deadlinerule WHERE anchor = '')
      AND NOT EXISTS (SELECT 1 FROM batteries_lifecycleevent v WHERE v.voids_id = e.id)
),
judged AS (
    SELECT DISTINCT ON (ev.id) ev.reporter_id, ev.reported_on, d.due
    FROM ev
    JOIN enterprises_enterprise ent ON ent.id = ev.reporter_id
    JOIN d ON d.event_kind = ev.kind AND d.start = ev.occurred_on AND {role_matches("d", "ent")}
    ORDER BY ev.id, d.due DESC
)
SELECT reporter_id, count(*) AS reports, count(*) FILTER (WHERE reported_on <= due) AS on_time
FROM judged GROUP BY reporter_id
"""

# Findings detected up to the month's end. Open: not cured and its case (if any) neither
# closed, rectified nor dismissed. Findings of a dismissed case count for nothing.
FINDINGS = """
SELECT f.enterprise_id,
       count(*) FILTER (WHERE f.cured_at IS NULL
                          AND (c.status IS NULL OR c.status NOT IN ('closed', 'rectified')))
           AS open,
       count(*) FILTER (WHERE f.cured_at IS NOT NULL OR c.status IN ('closed', 'rectified'))
           AS past
FROM enforcement_finding f
LEFT JOIN enforcement_case c ON c.id = f.case_id
WHERE f.detected_as_of <= %(as_of)s AND (c.status IS NULL OR c.status <> 'dismissed')
GROUP BY f.enterprise_id
"""

# Handovers the receiver disputed before the month's end that the giver has not settled
# by a later live handover of the pack (as the handover_not_confirmed scan); both sides.
DISPUTES = """
WITH open_disputes AS (
    SELECT h.giver_id, h.receiver_id
    FROM batteries_handover h
    JOIN batteries_lifecycleevent re ON re.id = h.resolution_event_id
    WHERE h.status = 'disputed' AND h.resolved_at < %(cutoff)s
      AND NOT EXISTS (
          SELECT 1 FROM batteries_lifecycleevent q
          WHERE q.battery_id = h.battery_id AND q.seq > re.seq AND q.kind = 'handover'
            AND q.occurred_at < %(cutoff)s
            AND NOT EXISTS (SELECT 1 FROM batteries_lifecycleevent v WHERE v.voids_id = q.id))
)
SELECT side.enterprise_id, count(*) AS disputes
FROM open_disputes x
CROSS JOIN LATERAL (VALUES (x.giver_id), (x.receiver_id)) AS side(enterprise_id)
GROUP BY side.enterprise_id
"""

# Fines: decided, paid, and what is still owed after the payment period ran out.
FINES = """
SELECT c.enterprise_id, count(*) AS fines, sum(c.fine_fen) AS fined_fen,
       sum(least(c.paid_fen, c.fine_fen)) AS paid_fen,
       coalesce(sum(greatest(c.fine_fen - c.paid_fen, 0))
                FILTER (WHERE c.status = 'decided' AND c.due_on < %(as_of)s), 0)
           AS overdue_unpaid_fen
FROM enforcement_case c
WHERE c.fine_fen IS NOT NULL
GROUP BY c.enterprise_id
"""

# The mass balance by identity of each comprehensive-utilization enterprise. Every live
# event of the chain is compared with the one before it (the pack's previous holder and
# state): where a used pack enters or leaves an enterprise's hands, that is a movement in
# or out, classified by the event's kind. A correction voids the latest event and restores
# the previous holder and state, so a voided event and its void cancel and are both left
# out. One pass over the events in (pack, seq) order; no loop per pack.
MOVES = """
WITH voided AS (SELECT voids_id FROM batteries_lifecycleevent WHERE kind = 'void'),
chain AS (
    SELECT e.id, e.kind,
           lag(e.holder_after_id) OVER w AS before_id,
           coalesce(lag(e.state_after) OVER w = ANY(%(used)s), false) AS before_used,
           e.holder_after_id AS after_id, e.state_after = ANY(%(used)s) AS after_used
    FROM batteries_lifecycleevent e
    WINDOW w AS (PARTITION BY e.battery_id ORDER BY e.seq)
),
moves AS (
    SELECT c.* FROM chain c
    WHERE c.kind <> 'void' AND NOT EXISTS (SELECT 1 FROM voided v WHERE v.voids_id = c.id)
      AND (c.before_used OR c.after_used)
      AND NOT (c.before_used AND c.after_used AND c.before_id = c.after_id)
),
sides AS (
    SELECT after_id AS enterprise_id,
           CASE WHEN kind = 'receipt_confirm' THEN 'in_received' ELSE 'in_other' END AS flow
    FROM moves WHERE after_used
    UNION ALL
    SELECT before_id,
           CASE WHEN kind = 'receipt_confirm' THEN 'out_handed_over'
                WHEN kind IN ('recycle', 'repurpose') AND after_id = before_id
                    THEN 'processed'
                ELSE 'out_other' END
    FROM moves WHERE before_used
)
SELECT s.enterprise_id, s.flow, count(*)
FROM sides s
JOIN enterprises_enterprise ent ON ent.id = s.enterprise_id AND 'utilizer' = ANY(ent.roles)
GROUP BY s.enterprise_id, s.flow
"""

# What the registry says each comprehensive-utilization enterprise holds now.
HELD = """
SELECT b.holder_id, count(*) AS packs, coalesce(sum(b.mass_kg), 0) AS mass_kg,
       count(*) FILTER (WHERE b.mass_kg IS NULL) AS unknown_mass
FROM batteries_battery b
WHERE b.holder_id IN (SELECT id FROM enterprises_enterprise WHERE 'utilizer' = ANY(roles))
  AND b.state = ANY(%(used)s)
GROUP BY b.holder_id
"""

# The annual capacity of each enterprise's whitelist listings still in force.
CAPACITY = """
SELECT w.enterprise_id, sum(w.capacity_tonnes) AS tonnes
FROM enterprises_whitelistentry w
WHERE w.status IN ('listed', 'rectification') AND w.announced_on <= %(as_of)s
GROUP BY w.enterprise_id
"""
