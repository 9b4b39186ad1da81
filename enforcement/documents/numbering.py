"""Gap-free document numbers per issuing authority × kind × year.

The counter row is incremented by one statement inside the transaction that issues the
document. PostgreSQL keeps the row locked until that transaction ends: a concurrent issue
of the same authority, kind and year waits, then reads the committed value; a rolled-back
issue undoes its increment, so no number is ever burnt or given twice. Issues of other
authorities, kinds or years never wait for each other.
"""

from django.db import connection


def number_allocate(*, authority_id: int, kind: str, year: int) -> int:
    """Return the next sequence number; must run in the transaction that issues it."""
    if not connection.in_atomic_block:
        raise RuntimeError("a document number is allocated inside the issuing transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO enforcement_documentcounter (authority_id, kind, year, last)
            VALUES (%s, %s, %s, 1)
            ON CONFLICT ON CONSTRAINT document_counter_key
            DO UPDATE SET last = enforcement_documentcounter.last + 1
            RETURNING last
            """,
            [authority_id, kind, year],
        )
        return cursor.fetchone()[0]
