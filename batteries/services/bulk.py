"""Write many lifecycle events with COPY: the hot path of imports and API batches.

Django's bulk_create compiles one parameter per column per row; for a 10,000-event batch
that compile alone took longer than PostgreSQL's work. Here the primary keys are taken from
the table's sequence in one statement, then the rows are streamed with COPY.
"""

import json

from django.db import connection

from batteries.models import LifecycleEvent

_COLUMNS = (
    "id", "battery_id", "seq", "kind", "occurred_at", "reported_at", "reporter_id",
    "reported_by_id", "counterparty_id", "vehicle_id", "outlet_id", "document_ref", "channel",
    "import_batch_id", "voids_id", "details", "state_after", "holder_after_id", "prev_hash",
    "hash",
)  # fmt: skip


def _pk(obj):
    return obj.pk if obj is not None else None


def _row(event: LifecycleEvent) -> tuple:
    return (
        event.pk, event.battery.pk, event.seq, event.kind, event.occurred_at,
        event.reported_at, event.reporter.pk, event.reported_by_id, _pk(event.counterparty),
        _pk(event.vehicle), event.outlet_id, event.document_ref, event.channel,
        _pk(event.import_batch), _pk(event.voids),
        json.dumps(event.details, ensure_ascii=False), event.state_after,
        event.holder_after.pk, event.prev_hash, event.hash,
    )  # fmt: skip


def events_copy(events: list[LifecycleEvent]) -> None:
    """Insert events (whose related rows are saved) and give each its primary key."""
    if not events:
        return
    table = LifecycleEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
            [len(events)],
        )
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk
            event._state.adding, event._state.db = False, connection.alias
        with cursor.cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for event in events:
                copy.write_row(_row(event))
