"""The batch-path helpers: one-array lookups, array literals and instances built cheaply."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from batteries.models import Battery, BatteryAccess, LifecycleEvent
from batteries.services.bulk import fast_instance
from batteries.sql import array_literal
from tests.batteries.builders import pack_create, producer_create, record
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def producer():
    return producer_create()


def test_any_lookup_finds_the_same_rows_as_in(producer):
    packs = [pack_create(producer) for _ in range(3)]
    codes = [p.code for p in packs[:2]] + ["NOT-A-CODE"]
    assert set(Battery.objects.filter(code__any=codes)) == set(packs[:2])
    assert set(Battery.objects.filter(pk__any=[packs[2].pk])) == {packs[2]}
    assert set(LifecycleEvent.objects.filter(battery_id__any=[packs[0].pk])) == set(
        packs[0].events.all()
    )


def test_any_lookup_sends_one_parameter_and_no_query_when_empty(producer):
    pack = pack_create(producer)
    with CaptureQueriesContext(connection) as queries:
        assert list(Battery.objects.filter(code__any=[])) == []
        assert list(Battery.objects.filter(code__any=[pack.code] * 500)) == [pack]
    assert len(queries) == 1
    assert queries[0]["sql"].count("ANY(") == 1


def test_array_literal_writes_nulls_and_refuses_what_it_would_misquote():
    assert array_literal([1, None, 3]) == "{1,NULL,3}"
    assert array_literal([]) == "{}"
    for bad in (["a,b"], ['"'], ["a b"], ["{"], ["a\\b"], [""]):
        with pytest.raises(ValueError):
            array_literal(bad)


def test_a_fast_instance_reads_like_one_built_by_django(producer):
    pack = pack_create(producer)
    built = fast_instance(Battery, saved=True, id=pack.pk, code=pack.code, holder=producer)
    assert built == pack
    assert built.holder is producer and built.holder_id == producer.pk
    assert built._state.adding is False
    # Columns not given are deferred, as with only(): read from the database on access.
    assert built.chemistry == pack.chemistry


def test_a_new_fast_instance_must_name_every_column(producer):
    with pytest.raises(TypeError, match="hash"):
        fast_instance(LifecycleEvent, seq=1, kind="produce")


def test_events_by_the_holder_add_no_access_rows_and_a_delivery_adds_the_receiver(producer):
    pack = pack_create(producer)
    before = BatteryAccess.objects.count()
    assert record(pack, "produce", producer).ok
    assert BatteryAccess.objects.count() == before
    maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
    result = record(pack, "deliver", producer, minutes=1, counterparty_uscc=maker.uscc)
    assert result.ok, result.errors
    assert Battery.objects.scoped_for(user_of("enterprise_admin", enterprise=maker)).get() == pack


def test_a_holder_made_earlier_in_the_same_batch_still_gets_its_access_row(producer):
    import datetime as dt

    from django.utils import timezone

    from batteries.models import Channel
    from batteries.services.events import EventInput, events_record
    from common.identifiers import make_vin

    maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
    dismantler = enterprise_create(name="丙拆解", division="320506", roles=["dismantler"])
    pack = pack_create(producer)
    vin = make_vin("LDC12345", "R0000009")
    steps = [
        ("produce", producer, {}),
        ("deliver", producer, {"counterparty_uscc": maker.uscc}),
        ("install", maker, {"vin": vin}),
        ("sell", maker, {}),
    ]
    for minute, (kind, reporter, fields) in enumerate(steps):
        assert record(pack, kind, reporter, minutes=minute, **fields).ok, kind
    at = timezone.now() - dt.timedelta(minutes=30)
    # One batch: the dismantler becomes the holder with its first event, then reports again.
    items = [
        EventInput(
            code=pack.code, kind="scrap_vehicle", occurred_at=at, vin=vin, document_ref="BF-1"
        ),
        EventInput(code=pack.code, kind="dismantle", occurred_at=at + dt.timedelta(minutes=1)),
    ]
    result = events_record(items=items, reporter=dismantler, channel=Channel.IMPORT)

    assert result.ok, result.errors
    visible = Battery.objects.scoped_for(user_of("enterprise_admin", enterprise=dismantler))
    assert list(visible) == [pack]


def test_a_factory_instance_shares_values_and_must_name_every_column_exactly(producer):
    from batteries.services.bulk import fast_factory

    pack = pack_create(producer)
    build = fast_factory(LifecycleEvent, reporter=producer, channel="api", voids=None)
    with pytest.raises(TypeError, match="hash"):
        build(battery=pack, seq=2)
    names = {f.name for f in LifecycleEvent._meta.concrete_fields} - {"id"}
    shared = {"reporter", "channel", "voids"}
    values = {name: None for name in names - shared} | {"battery": pack, "seq": 2}
    event = build(**values)
    assert event.reporter is producer and event.reporter_id == producer.pk
    assert event.battery is pack and event.battery_id == pack.pk and event.pk is None
    with pytest.raises(TypeError, match="hsah"):
        build(**(values | {"hsah": ""}))


def test_the_time_order_check_compares_to_the_microsecond(producer):
    import datetime as dt

    from django.utils import timezone

    pack = pack_create(producer)
    at = (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=123456)
    assert record(pack, "produce", producer, occurred_at=at).ok
    pack.refresh_from_db()
    assert pack.last_occurred_at == at
    maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
    early = record(
        pack, "deliver", producer, occurred_at=at - dt.timedelta(microseconds=1),
        counterparty_uscc=maker.uscc,
    )  # fmt: skip
    assert [e.code for e in early.errors] == ["event.time_order"]
    same = record(pack, "deliver", producer, occurred_at=at, counterparty_uscc=maker.uscc)
    assert same.ok, same.errors
