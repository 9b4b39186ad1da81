"""Write many packs and lifecycle events with COPY: the hot path of API and web batches.

Django's bulk_create compiles one parameter per column per row; for a 10,000-event batch
that compile alone took longer than PostgreSQL's work. Here the primary keys are taken from
the table's sequence in one statement, then the rows are streamed with COPY.
"""

import functools
import json
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model
from django.db.models.base import ModelState

from batteries.models import (
    Battery,
    Handover,
    LifecycleEvent,
    ScrappedVehicle,
    ScrappedVehiclePack,
    Vehicle,
    VehicleBinding,
)
from batteries.sql import array_literal

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
    and the others are deferred exactly as with `QuerySet.only()`. Unknown names are refused.
    """
    return fast_factory(model, saved=saved, db=db)(**values)


def fast_factory(model: type[Model], /, *, saved: bool = False, db=DEFAULT_DB_ALIAS, **shared):
    """Return `build(**values)`: instances as `fast_instance` makes them, sharing values.

    A batch's events share reporter, time, channel and import batch: those are resolved
    once here, and each `build` fills only what varies. For new instances the columns named
    by `shared` and `values` together must be exactly the model's, the primary key aside;
    loaded ones (`saved=True`) may leave columns out, deferred. The names are checked once
    for each set of names a caller uses.
    """
    relations, attnames = _layout(model)
    base = {} if saved else {model._meta.pk.attname: None}
    base_cache = {}
    _fill(base, base_cache, relations, shared)
    checked: set[tuple[str, ...]] = set()

    def build(**values):
        fields, cache = base.copy(), base_cache.copy()
        _fill(fields, cache, relations, values)
        names = tuple(values)
        if names not in checked:
            _check_names(model, fields.keys(), attnames, saved=saved)
            checked.add(names)
        instance = model.__new__(model)
        state = ModelState()
        state.fields_cache = cache
        if saved:
            state.adding, state.db = False, db
        instance._state = state
        instance.__dict__.update(fields)
        return instance

    return build


def _check_names(model, names, attnames: frozenset[str], *, saved: bool) -> None:
    missing, unknown = (set() if saved else attnames - names), names - attnames
    if missing or unknown:
        raise TypeError(
            f"{model.__name__}: no value for {sorted(missing)}, unknown names {sorted(unknown)}"
        )


def _fill(fields: dict, cache: dict, relations: dict[str, str], values: dict) -> None:
    for name, value in values.items():
        attname = relations.get(name)
        if attname is None:
            fields[name] = value
        else:
            fields[attname] = None if value is None else value.pk
            cache[name] = value


def _pk(obj):
    return obj.pk if obj is not None else None


def _row(event: LifecycleEvent) -> tuple:
    # Plain columns straight from __dict__: the `<fk>_id` attributes are data descriptors,
    # a Python call per read. Packs and vehicles may be new in the batch: ask the objects.
    d = event.__dict__
    return (
        d["id"], d["battery_id"] or event.battery.pk, d["seq"], d["kind"], d["occurred_at"],
        d["reported_at"], d["reporter_id"], d["reported_by_id"], d["counterparty_id"],
        _pk(event.vehicle), d["outlet_id"], d["document_ref"], d["channel"],
        d["import_batch_id"], d["voids_id"],
        json.dumps(d["details"], ensure_ascii=False) if d["details"] else "{}",
        d["state_after"], d["holder_after_id"], d["prev_hash"], d["hash"],
    )  # fmt: skip


_BATTERY_COLUMNS = (
    "id", "code", "product_type", "battery_type", "chemistry", "spec_code", "trace_code",
    "production_date", "serial", "manufacturer_code", "manufacturer_id", "parent_id",
    "original_id", "mass_kg", "capacity_wh", "state", "holder_id", "vehicle_id", "last_seq",
    "last_hash", "last_occurred_at", "registered_at", "updated_at",
)  # fmt: skip


def _battery_row(b: Battery) -> tuple:
    return (
        # A parent (or original) registered in the same batch got its key just now.
        b.pk, b.code, b.product_type, b.battery_type, b.chemistry, b.spec_code, b.trace_code,
        b.production_date, b.serial, b.manufacturer_code, b.manufacturer_id, _pk(b.parent),
        _pk(b.original), b.mass_kg, b.capacity_wh, b.state, b.holder_id, b.vehicle_id,
        b.last_seq, b.last_hash, b.last_occurred_at, b.registered_at, b.updated_at,
    )  # fmt: skip


def batteries_copy(batteries: list[Battery]) -> None:
    """Insert new packs, modules and cells and give each its primary key.

    Keys come first, for the whole batch, so a module may name a pack of the same batch
    (the services check that the parent exists; the database checks keys only on delete,
    decision 0007), and the order of the rows does not matter.
    """
    _copy(Battery, batteries, _BATTERY_COLUMNS, _battery_row)


def events_copy(events: list[LifecycleEvent]) -> None:
    """Insert events (whose related rows are saved) and give each its primary key."""
    _copy(LifecycleEvent, events, _COLUMNS, _row)


def vehicles_copy(vehicles: list[Vehicle]) -> None:
    """Insert vehicles first registered by a batch and give each its primary key."""
    _copy(Vehicle, vehicles, _VEHICLE_COLUMNS, _vehicle_row)


def bindings_copy(bindings: list[VehicleBinding]) -> None:
    """Insert new pack–vehicle bindings (their packs, vehicles and events are saved)."""
    _copy(VehicleBinding, bindings, _BINDING_COLUMNS, _binding_row)


def handovers_copy(handovers: list[Handover]) -> None:
    """Insert new handovers (their packs and events are saved)."""
    _copy(Handover, handovers, _HANDOVER_COLUMNS, _handover_row)


def scrap_records_copy(records: list[ScrappedVehicle]) -> None:
    """Insert scrapped-vehicle records and give each its primary key."""
    _copy(ScrappedVehicle, records, _SCRAP_COLUMNS, _scrap_row)


def scrap_packs_copy(rows: list[ScrappedVehiclePack]) -> None:
    """Insert the packs of scrapped-vehicle records (their records and events are saved)."""
    _copy(ScrappedVehiclePack, rows, _SCRAP_PACK_COLUMNS, _scrap_pack_row)


_SCRAP_COLUMNS = (
    "id", "certificate_no", "vin", "vehicle_id", "dismantler_id", "scrapped_at", "pack_status",
    "note", "channel", "import_batch_id", "reported_at", "reported_by_id",
)  # fmt: skip
_SCRAP_PACK_COLUMNS = ("id", "record_id", "battery_id", "arrived", "event_id")


def _scrap_row(r: ScrappedVehicle) -> tuple:
    return (
        r.pk, r.certificate_no, r.vin, _pk(r.vehicle), r.dismantler_id, r.scrapped_at,
        r.pack_status, r.note, r.channel, r.import_batch_id, r.reported_at, r.reported_by_id,
    )  # fmt: skip


def _scrap_pack_row(p: ScrappedVehiclePack) -> tuple:
    return p.pk, p.record.pk, p.battery_id, p.arrived, _pk(p.event)


_VEHICLE_COLUMNS = ("id", "vin", "producer_id", "model_name", "is_swap_model", "created_at")
_BINDING_COLUMNS = (
    "id", "battery_id", "vehicle_id", "bound_at", "unbound_at", "bound_by_id", "unbound_by_id",
)  # fmt: skip
_HANDOVER_COLUMNS = (
    "id", "battery_id", "giver_id", "receiver_id", "handover_event_id", "resolution_event_id",
    "state_before", "status", "handed_over_at", "resolved_at",
)  # fmt: skip


def _vehicle_row(v: Vehicle) -> tuple:
    return v.pk, v.vin, v.producer_id, v.model_name, v.is_swap_model, v.created_at


def _binding_row(b: VehicleBinding) -> tuple:
    # Packs, vehicles and events may be new in the batch: read their keys from the objects.
    return (
        b.pk, b.battery.pk, b.vehicle.pk, b.bound_at, b.unbound_at, b.bound_by.pk,
        _pk(b.unbound_by),
    )  # fmt: skip


def _handover_row(h: Handover) -> tuple:
    return (
        h.pk, h.battery.pk, h.giver_id, h.receiver_id, _pk(h.handover_event),
        _pk(h.resolution_event), h.state_before, h.status, h.handed_over_at, h.resolved_at,
    )  # fmt: skip


def rows_update(table: str, types: dict[str, str], rows: list[tuple]) -> None:
    """Set columns of many rows, found by primary key, in one statement.

    `types` names the columns set, with their SQL types, in the order each row gives their
    values after the key: `(id, *values)`. bulk_update's CASE is ~30x slower. The second
    `t.id = ANY(ids)` looks redundant but decides the plan: joined only with the unnest,
    PostgreSQL hashed the whole table (a sequential scan, ~180 ms at 300k packs and growing
    with the registry); with it, it fetches the rows by key.
    """
    if not rows:
        return
    names = list(types)
    arrays = [
        array_literal(v.isoformat() if isinstance(v, datetime) else v for v in column)
        for column in zip(*rows, strict=True)
    ]
    casts = ", ".join(["%s::bigint[]", *(f"%s::{types[name]}[]" for name in names)])
    sql = (
        f"UPDATE {table} AS t SET {', '.join(f'{n} = v.{n}' for n in names)} "
        f"FROM unnest({casts}) AS v(id, {', '.join(names)}) "
        "WHERE t.id = v.id AND t.id = ANY(%s::bigint[])"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*arrays, arrays[0]])


def _copy(model: type[Model], objects: list, columns: tuple[str, ...], row) -> None:
    if not objects:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
            [len(objects)],
        )
        alias = connection.alias
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, alias
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(row(obj))
