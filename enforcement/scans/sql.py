"""SQL pieces every scan shares: live events, local dates, deadlines, qualified receivers.

Parameters every scan query receives (psycopg named parameters):
- `as_of`  the day of the check (date); a deadline is missed once `as_of` is later;
- `cutoff` the start of the day after `as_of`, Beijing time: only what happened before
  it counts (events that occurred, vehicles scrapped, codes submitted), judged on
  everything the registry knows now — a correction voids an event whenever it was made;
- `tz`     the portal's time zone (Asia/Shanghai): deadlines count Beijing dates.
"""


def local_date(column: str) -> str:
    """The Beijing date of a timestamptz column."""
    return f"(({column}) AT TIME ZONE %(tz)s)::date"


def live(alias: str) -> str:
    """The event `alias` occurred before the cutoff and no correction voids it."""
    return (
        f"{alias}.occurred_at < %(cutoff)s AND NOT EXISTS ("
        f"SELECT 1 FROM batteries_lifecycleevent v_{alias} WHERE v_{alias}.voids_id = {alias}.id)"
    )


def deadlines(where: str) -> str:
    """Every start day → last day allowed, for the deadline rows matching `where` (alias r).

    One row per (rule row, start day) in the row's validity: the calendar table turns
    "N working days after D" into one join on the working-day ordinal, and a period in
    calendar days ending on a rest day is extended to the next working day (see
    enforcement/rules.py). A few thousand rows per rule row: joined by start day.
    """
    return f"""
    SELECT r.id AS rule_id, r.event_kind, r.reporter_role, r.days, r.unit, s.day AS start,
           CASE WHEN r.unit = 'working' THEN w.day
                WHEN c.is_working THEN c.day
                ELSE n.day END AS due
    FROM enforcement_deadlinerule r
    JOIN enforcement_calendarday s
      ON s.day >= r.valid_from AND (r.valid_to IS NULL OR s.day <= r.valid_to)
    LEFT JOIN enforcement_calendarday w
      ON r.unit = 'working' AND w.is_working AND w.working_ordinal = s.working_ordinal + r.days
    LEFT JOIN enforcement_calendarday c
      ON r.unit = 'calendar' AND c.day = s.day + r.days
    LEFT JOIN enforcement_calendarday n
      ON r.unit = 'calendar' AND NOT c.is_working AND n.is_working
         AND n.working_ordinal = c.working_ordinal + 1
    WHERE {where}
    """


def role_matches(rule_alias: str, enterprise_alias: str) -> str:
    return (
        f"({rule_alias}.reporter_role = '' "
        f"OR {rule_alias}.reporter_role = ANY({enterprise_alias}.roles))"
    )


# The enterprises Order No. 73 allows to receive used packs: comprehensive-utilization
# enterprises, and producers' recycling outlets (the enterprise that set one up or runs
# it, while it operates). Mirrors batteries.rules.receiver_is_qualified and the outlets
# the event path loads (batteries.services.lookups).
QUALIFIED_RECEIVERS = """
    SELECT id FROM enterprises_enterprise WHERE 'utilizer' = ANY(roles)
    UNION SELECT owner_id FROM enterprises_outlet WHERE status = 'active'
    UNION SELECT operator_id FROM enterprises_outlet
          WHERE status = 'active' AND operator_id IS NOT NULL
"""

# The events by which a pack reaches a qualified receiver: the giver's handover to one,
# or a qualified receiver's receipt (reported before the giver's handover, or after it).
QUALIFIED_ARRIVAL = """
    ((q.kind = 'handover' AND q.counterparty_id IN (SELECT id FROM qualified))
     OR (q.kind = 'receipt_confirm' AND q.reporter_id IN (SELECT id FROM qualified)))
"""
