"""Write many lifecycle events with COPY: the hot path of imports and API batches.

Django's bulk_create compiles one parameter per column per row; for a 10,000-event batch
that compile alone took longer than PostgreSQL's work. Here the primary keys are taken from
the table's sequence in one statement, then the rows are streamed with COPY.
"""

import functools
import json

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model
from django.db.models.base import ModelState

from batteries.models import LifecycleEvent

_COLUMNS = (
    "id", "battery_id", "seq", "kind", "occurred_at", "reported_at", "reporter_id",
    "reported_by_id", "counterparty_id", "vehicle_id", "outlet_id", "document_ref", "channel",
    "import_batch_id", "voids_id", "details", "state_after", "holder_after_id", "prev_hash",
    "hash",
)  # fmt: skip


@functools.cache
def _layout(model: type[Model]) -> tuple[dict[str, str], frozenset[str]]:
    relations = {f.name: f.attname for f in model._meta.concrete_fields if f.is_relation}
    return relations, frozenset(f.attname for f in model._meta.concrete_fields)


def fast_instance(
    model: type[Model], /, *, saved: bool = False, db: str = DEFAULT_DB_ALIAS, **values
):
    """Build a model instance without Model.__init__ (about 4.5x cheaper per object).

    Batches of 10,000 spent a third of their time in __init__ and the foreign-key setters.
    Related objects are passed by field name and cached as `Model(field=obj)` would cache
    them; a related object without a key yet (saved later in the batch) leaves `<field>_id`
    None, so writers read `instance.<field>.pk`. A new instance (`saved=False`) must get a
    value for every column but the primary key; a loaded one (`saved=True`) may get fewer,
    and the others are deferred exactly as with `QuerySet.only()`.
    """
    relations, attnames = _layout(model)
    instance = model.__new__(model)
    state = ModelState()
    instance._state = state
    fields = instance.__dict__
    for name, value in values.items():
        attname = relations.get(name)
        if attname is None:
            fields[name] = value
        else:
            fields[attname] = None if value is None else value.pk
            state.fields_cache[name] = value
    if saved:
        state.adding, state.db = False, db
    else:
        fields.setdefault(model._meta.pk.attname, None)
        missing = attnames - fields.keys()
        if missing:
            raise TypeError(f"{model.__name__}: no value for {', '.join(sorted(missing))}")
    return instance


def _pk(obj):
    return obj.pk if obj is not None else None


def _row(event: LifecycleEvent) -> tuple:
    return (
        # Packs and vehicles may be new in the same batch: read their keys now.
        event.pk, event.battery.pk, event.seq, event.kind, event.occurred_at,
        event.reported_at, event.reporter_id, event.reported_by_id, event.counterparty_id,
        _pk(event.vehicle), event.outlet_id, event.document_ref, event.channel,
        event.import_batch_id, event.voids_id,
        json.dumps(event.details, ensure_ascii=False) if event.details else "{}",
        event.state_after,
        event.holder_after_id, event.prev_hash, event.hash,
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
        alias = connection.alias
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk
            event._state.adding, event._state.db = False, alias
        with cursor.cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for event in events:
                copy.write_row(_row(event))
