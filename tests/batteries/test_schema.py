"""Indexes and integrity guards of the high-volume tables (docs/decisions/0005)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from batteries.models import Battery, Channel, ImportBatch, LifecycleEvent
from batteries.services.packs import PackInput, packs_register
from tests.batteries.builders import code_for, pack_create, producer_create
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    """Return the plan PostgreSQL chooses when it may not scan whole tables."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _raw_delete(table: str, pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


def test_a_code_prefix_search_walks_the_unique_code_index():
    plan = _plan(Battery.objects.filter(code__startswith="T01P"))
    assert "battery_code_unique" in plan, plan


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Battery.objects.filter(parent_id=1), "battery_parent"),
        (lambda: Battery.objects.filter(original_id=1), "battery_original"),
        (lambda: Battery.objects.filter(vehicle_id=1), "battery_vehicle"),
        (lambda: LifecycleEvent.objects.filter(vehicle_id=1), "event_vehicle"),
        (lambda: LifecycleEvent.objects.filter(outlet_id=1), "event_outlet"),
        (lambda: LifecycleEvent.objects.filter(import_batch_id=1), "event_import_batch"),
    ],
)
def test_a_lookup_by_a_mostly_empty_foreign_key_uses_its_partial_index(queryset, index):
    # Real statistics, not an empty table's guesses: on a never-analysed empty table the
    # planner may as well walk any other index, and did now and then.
    producer = producer_create()
    items = [PackInput(code=code_for("T01")) for _ in range(300)]
    assert packs_register(items=items, reporter=producer, channel=Channel.API).ok
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE batteries_battery, batteries_lifecycleevent")
    assert index in _plan(queryset()), index


def test_the_registry_refuses_a_second_pack_with_the_same_code():
    producer = producer_create()
    pack = pack_create(producer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Battery.objects.create(**{**_columns(pack), "id": None})


def _columns(pack: Battery) -> dict:
    return {f.attname: getattr(pack, f.attname) for f in Battery._meta.concrete_fields}


def test_an_enterprise_party_to_a_pack_cannot_be_deleted_even_in_raw_sql():
    producer = producer_create()
    pack_create(producer)
    with pytest.raises(ProtectedError):
        producer.delete()
    with pytest.raises(IntegrityError, match="still referred to"):
        _raw_delete("enterprises_enterprise", producer.pk)


def test_an_enterprise_named_only_as_counterparty_cannot_be_deleted_in_raw_sql():
    producer = producer_create()
    maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
    pack = pack_create(producer)
    with connection.cursor() as cursor:  # only the counterparty column names it
        cursor.execute("SET LOCAL session_replication_role = replica")  # past append-only
        cursor.execute(
            "UPDATE batteries_lifecycleevent SET counterparty_id = %s WHERE battery_id = %s",
            [maker.pk, pack.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(IntegrityError, match="counterparty_id"):
        _raw_delete("enterprises_enterprise", maker.pk)


def test_an_enterprise_with_no_packs_can_still_be_deleted():
    spare = enterprise_create(name="己储能", division="320506", roles=["utilizer"])
    _raw_delete("enterprises_enterprise", spare.pk)
    assert not type(spare).objects.filter(pk=spare.pk).exists()


def test_the_user_who_reported_an_event_cannot_be_deleted_in_raw_sql():
    producer = producer_create()
    user = user_of("enterprise_operator", enterprise=producer)
    result = packs_register(
        items=[PackInput(code=code_for("T01"))], reporter=producer, user=user, channel=Channel.WEB
    )
    assert result.ok, result.errors
    with pytest.raises(IntegrityError, match="reported_by_id"):
        _raw_delete("enterprises_user", user.pk)


def test_an_import_batch_whose_events_exist_cannot_be_deleted_in_raw_sql():
    producer = producer_create()
    user = user_of("enterprise_operator", enterprise=producer)
    batch = ImportBatch.objects.create(
        enterprise=producer, uploaded_by=user, kind="packs", file="x.csv", original_name="x.csv"
    )
    result = packs_register(
        items=[PackInput(code=code_for("T01"))],
        reporter=producer,
        user=user,
        channel=Channel.IMPORT,
        import_batch=batch,
    )
    assert result.ok, result.errors
    with pytest.raises(IntegrityError, match="import_batch_id"):
        _raw_delete("batteries_importbatch", batch.pk)


def test_a_registered_pack_cannot_be_deleted_in_raw_sql():
    pack = pack_create(producer_create())
    with pytest.raises(IntegrityError, match="batteries_lifecycleevent.battery_id"):
        _raw_delete("batteries_battery", pack.pk)
    assert Battery.objects.filter(pk=pack.pk).exists()


def test_a_vehicle_named_by_a_pack_and_an_outlet_named_by_an_event_cannot_be_deleted():
    from batteries.models import Vehicle
    from common.identifiers import make_vin
    from tests.batteries.builders import outlet_create, record

    producer = producer_create()
    maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
    pack = pack_create(producer)
    assert record(pack, "produce", producer).ok
    assert record(pack, "deliver", producer, minutes=1, counterparty_uscc=maker.uscc).ok
    assert record(pack, "install", maker, minutes=2, vin=make_vin("LDC12345", "R0000009")).ok
    vehicle = Vehicle.objects.get()
    with pytest.raises(IntegrityError, match="vehicle_id"):
        _raw_delete("batteries_vehicle", vehicle.pk)
    outlet = outlet_create(producer)
    with connection.cursor() as cursor:  # name the outlet from an event, past append-only
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE batteries_lifecycleevent SET outlet_id = %s WHERE battery_id = %s",
            [outlet.pk, pack.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(IntegrityError, match="outlet_id"):
        _raw_delete("enterprises_outlet", outlet.pk)


def test_every_foreign_key_the_database_does_not_check_has_a_delete_guard():
    from django.apps import apps

    unchecked = {
        (field.related_model._meta.db_table, model._meta.db_table, field.column)
        for model in apps.get_models()
        # django-simple-history keeps history rows of deleted objects on purpose.
        if not hasattr(model, "instance_type")
        for field in model._meta.concrete_fields
        if field.is_relation and not field.db_constraint
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, encode(t.tgargs, 'escape') FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE '%%_delete_guard'"
        )
        guarded = set()
        for table, raw in cursor.fetchall():
            args = raw.split("\\000")[:-1]  # NUL-separated, with a trailing NUL
            guarded |= {(table, args[i], args[i + 1]) for i in range(0, len(args), 2)}
    assert unchecked, "decision 0005 leaves some foreign keys unchecked"
    assert unchecked <= guarded, sorted(unchecked - guarded)
