"""SQL of the register import: a staging table per connection, COPY, one insert per chunk.

Each chunk of valid rows is copied into a temporary table and inserted with
`ON CONFLICT (certificate_no) DO NOTHING`: a certificate already in the register is
counted, never written twice, also when two uploads of the same month run at once. The
dismantler is matched by its USCC to an approved enterprise of the portal, else left NULL.
"""

import contextlib
from dataclasses import dataclass

from django.db import DatabaseError, InterfaceError, connection

from enforcement.register.rows import RegisterRow

STAGE = "register_stage"
APPROVED = "approved"  # enterprises.models.Enterprise.Status.APPROVED

INSERT_SQL = f"""
WITH ins AS (
    INSERT INTO enforcement_scrapregisterentry
        (certificate_no, vin, scrapped_on, dismantler_uscc, dismantler_id, upload_id,
         imported_at)
    SELECT s.certificate_no, s.vin, s.scrapped_on, s.dismantler_uscc, e.id, %(upload)s,
           %(now)s
    FROM {STAGE} s
    LEFT JOIN enterprises_enterprise e
      ON e.uscc = s.dismantler_uscc AND e.status = '{APPROVED}'
    ORDER BY s.rownum
    ON CONFLICT (certificate_no) DO NOTHING
    RETURNING dismantler_id
)
SELECT count(*), count(*) FILTER (WHERE dismantler_id IS NULL) FROM ins
"""

# Staged rows whose certificate was already in the register before this upload, with the
# facts stored for it: the same facts are a duplicate, other facts an error of the row.
PRESENT_SQL = f"""
SELECT s.rownum, s.certificate_no, s.vin, s.scrapped_on, s.dismantler_uscc,
       r.vin, r.scrapped_on, r.dismantler_uscc
FROM {STAGE} s
JOIN enforcement_scrapregisterentry r ON r.certificate_no = s.certificate_no
WHERE r.upload_id IS DISTINCT FROM %(upload)s
ORDER BY s.rownum
"""

# Entries of earlier uploads whose dismantler has been approved since.
RELINK_SQL = f"""
UPDATE enforcement_scrapregisterentry r SET dismantler_id = e.id
FROM enterprises_enterprise e
WHERE r.dismantler_id IS NULL AND e.uscc = r.dismantler_uscc AND e.status = '{APPROVED}'
"""


@dataclass(frozen=True)
class Present:
    row: RegisterRow
    stored: RegisterRow


def stage_create() -> None:
    """Create (or empty) this connection's staging table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (rownum integer, certificate_no text, "
            "vin text, scrapped_on date, dismantler_uscc text)"
        )
        cursor.execute(f"TRUNCATE {STAGE}")


def stage_drop() -> None:
    # If the connection broke, its temporary table went with it.
    with contextlib.suppress(DatabaseError, InterfaceError), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


def chunk_insert(rows: list[RegisterRow], *, upload_id: int, now) -> tuple[int, int, list]:
    """Insert one chunk; return (created, created without a known dismantler, present).

    `present` lists the rows whose certificate an earlier upload already holds.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {STAGE}")
        with cursor.copy(
            f"COPY {STAGE} (rownum, certificate_no, vin, scrapped_on, dismantler_uscc) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    (row.number, row.certificate_no, row.vin, row.scrapped_on, row.dismantler_uscc)
                )
        cursor.execute(INSERT_SQL, {"upload": upload_id, "now": now})
        created, unknown = cursor.fetchone()
        cursor.execute(PRESENT_SQL, {"upload": upload_id})
        present = [
            Present(RegisterRow(number, cert, vin, day, uscc), RegisterRow(number, cert, *stored))
            for number, cert, vin, day, uscc, *stored in cursor.fetchall()
        ]
    return created, unknown, present


def entries_relink() -> int:
    """Link entries naming a dismantler approved since they were imported; return how many."""
    with connection.cursor() as cursor:
        cursor.execute(RELINK_SQL)
        return cursor.rowcount
