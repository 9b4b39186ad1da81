"""SQL of the packs pipeline: staging tables, COPY lines and the set-based insert."""

import contextlib
from typing import Protocol

from django.db import DatabaseError, InterfaceError, connection

from batteries.imports.codes import CodeFields

STAGE = "import_pack_stage"
SEEN = "import_pack_seen"
STAGE_COLUMNS = (
    "rownum, code, product_type, battery_type, chemistry, spec_code, trace_code, "
    "production_date, serial, manufacturer_code, parent_code, mass_kg, capacity_wh, hash"
)


class StagedRow(Protocol):
    number: int
    fields: CodeFields
    parent_code: str
    mass_kg: int | None
    capacity_wh: int | None


def stage_line(row: StagedRow, digest: str) -> str:
    """Return one COPY text line. Every value was validated to contain no tab, newline or \\."""
    f = row.fields
    parent = row.parent_code or r"\N"
    mass = r"\N" if row.mass_kg is None else row.mass_kg
    capacity = r"\N" if row.capacity_wh is None else row.capacity_wh
    return (
        f"{row.number}\t{f.code}\t{f.product_type}\t{f.battery_type}\t{f.chemistry}\t"
        f"{f.spec_code}\t{f.trace_code}\t{f.production_date.isoformat()}\t{f.serial}\t"
        f"{f.manufacturer_code}\t{parent}\t{mass}\t{capacity}\t{digest}\n"
    )


# The access rows take no ON CONFLICT clause: their packs were inserted by this statement, so
# none can exist yet, and a speculative insert costs ~40 percent more per row.
INSERT_SQL = f"""
WITH ins AS (
    INSERT INTO batteries_battery (
        code, product_type, battery_type, chemistry, spec_code, trace_code, production_date,
        serial, manufacturer_code, manufacturer_id, parent_id, original_id, mass_kg,
        capacity_wh, state, holder_id, vehicle_id, last_seq, last_hash, last_occurred_at,
        registered_at, updated_at)
    SELECT s.code, s.product_type, s.battery_type, s.chemistry, s.spec_code, s.trace_code,
        s.production_date, s.serial, s.manufacturer_code, %(reporter)s, s.parent_id, NULL,
        s.mass_kg, s.capacity_wh, %(registered)s, %(reporter)s, NULL, 1, s.hash, NULL,
        %(now)s, %(now)s
    FROM (
        SELECT s.*, CASE WHEN s.parent_code IS NOT NULL THEN (
            SELECT p.id FROM batteries_battery p
            WHERE p.code = s.parent_code AND p.holder_id = %(reporter)s) END AS parent_id
        FROM {STAGE} s WHERE s.product_type = %(level)s
    ) s
    WHERE s.parent_code IS NULL OR s.parent_id IS NOT NULL
    ORDER BY s.rownum
    ON CONFLICT (code) DO NOTHING
    RETURNING id, last_hash
), ev AS (
    INSERT INTO batteries_lifecycleevent (
        battery_id, seq, kind, occurred_at, reported_at, reporter_id, reported_by_id,
        counterparty_id, vehicle_id, outlet_id, document_ref, channel, import_batch_id,
        voids_id, details, state_after, holder_after_id, prev_hash, hash)
    SELECT id, 1, %(register)s, %(now)s, %(now)s, %(reporter)s, %(user)s, NULL, NULL, NULL,
        '', %(channel)s, %(batch)s, NULL, '{{}}'::jsonb, %(registered)s, %(reporter)s, '',
        last_hash
    FROM ins
    RETURNING battery_id
)
INSERT INTO batteries_batteryaccess (enterprise_id, battery_id)
SELECT %(reporter)s, battery_id FROM ev
"""

# The staged rows this chunk's INSERT did not write, with what holds their code now. LATERAL
# with LIMIT 1 keeps it a key probe per staged row: as a plain join, PostgreSQL may hash the
# whole pack table for each chunk.
LOST_SQL = f"""
SELECT s.rownum, s.code, s.parent_code, b.manufacturer_id, b.batch_id
FROM {STAGE} s LEFT JOIN LATERAL (
    SELECT b.id, b.manufacturer_id, b.last_hash,
        (SELECT e.import_batch_id FROM batteries_lifecycleevent e
         WHERE e.battery_id = b.id AND e.seq = 1) AS batch_id
    FROM batteries_battery b WHERE b.code = s.code LIMIT 1
) b ON true
WHERE b.id IS NULL OR b.last_hash IS DISTINCT FROM s.hash
ORDER BY s.rownum
"""

LOOKUP_SQL = """
SELECT b.code, b.manufacturer_id, b.holder_id, b.product_type,
    (SELECT e.import_batch_id FROM batteries_lifecycleevent e
     WHERE e.battery_id = b.id AND e.seq = 1)
FROM batteries_battery b WHERE b.code = ANY(%(codes)s::text[])
"""
LOOKUP_SEEN_SQL = f"""
SELECT code, NULL, %(reporter)s, product_type, %(batch)s FROM {SEEN}
WHERE code = ANY(%(codes)s::text[])
"""


def copy_to_stage(cursor, text: str) -> None:
    """Replace the staging table's rows with the COPY text lines of one chunk."""
    cursor.execute(f"TRUNCATE {STAGE}")
    with cursor.copy(f"COPY {STAGE} ({STAGE_COLUMNS}) FROM STDIN") as copy:
        copy.write(text)


def remember(codes: list[str], product_types: list[str]) -> None:
    """Remember the valid codes of a validation pass (in-file duplicates, parents)."""
    with connection.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SEEN} (code, product_type) "
            "SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
            [codes, product_types],
        )


def create_temp_tables() -> None:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (rownum integer, code text, "
            "product_type text, battery_type text, chemistry text, spec_code text, "
            "trace_code text, production_date date, serial text, manufacturer_code text, "
            "parent_code text, mass_kg integer, capacity_wh integer, hash text)"
        )
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {SEEN} (code text PRIMARY KEY, product_type text)"
        )
        cursor.execute(f"TRUNCATE {STAGE}, {SEEN}")


def drop_temp_tables() -> None:
    # If the connection broke, its temporary tables are gone with it: nothing to report.
    with contextlib.suppress(DatabaseError, InterfaceError), connection.connection.cursor() as c:
        c.execute(f"DROP TABLE IF EXISTS {STAGE}, {SEEN}")


def immediate_constraints() -> None:
    """Check foreign keys at each statement instead of at commit.

    Deferred checks wait in the server's memory until commit: for a whole file in one
    transaction that is millions of queued checks; checked per statement, none pile up.
    """
    with connection.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def fast_commit() -> None:
    """Don't wait for the WAL flush at each chunk's commit.

    A crash can lose the last chunks committed in the previous ~0.6 s, together with the
    batch counters written in the same transactions, never half a chunk; re-importing the
    file registers them then and counts the others as duplicates.
    """
    with connection.connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
