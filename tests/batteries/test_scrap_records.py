"""Scrapped vehicles as records of their own, and scrapping a pack only through its VIN.

A dismantler reports a vehicle by VIN and 《报废机动车回收证明》 number and says which of
the VIN's packs came with it (车电一体报废: a vehicle without its pack is incomplete; swap
models are exempt). The arrived packs' scrap events follow, through the events path.
"""

import datetime as dt

import pytest
from django.utils import timezone

from batteries.models import (
    Channel,
    LifecycleEvent,
    ScrappedVehicle,
    ScrappedVehiclePack,
    State,
    Vehicle,
)
from batteries.services.events import EventInput, events_record
from batteries.services.scrap import ScrapInput, vehicles_scrap_record
from common.identifiers import make_vin
from tests.batteries.builders import code_for, pack_create, producer_create, record
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db

HOUR_AGO = timezone.now() - dt.timedelta(hours=1)
UNKNOWN_VIN = make_vin("LDC12345", "R0000999")


@pytest.fixture
def p():
    class Parties:
        producer = producer_create()
        maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
        dismantler = enterprise_create(name="丙拆解", division="320506", roles=["dismantler"])
        rival = enterprise_create(name="庚拆解", division="320506", roles=["dismantler"])

    return Parties


_vins = iter(range(400, 10_000))


def sold_vehicle(p, packs: int = 1, *, swap: bool = False):
    """Return (vin, packs) of a sold vehicle carrying `packs` packs."""
    vin = make_vin("LDC12345", f"R{next(_vins):07d}")
    batteries = [pack_create(p.producer) for _ in range(packs)]
    for pack in batteries:
        steps = [
            ("produce", p.producer, {}),
            ("deliver", p.producer, {"counterparty_uscc": p.maker.uscc}),
            ("install", p.maker, {"vin": vin, "details": {"swap_model": swap}}),
            ("sell", p.maker, {}),
        ]
        for minute, (kind, reporter, fields) in enumerate(steps):
            at = HOUR_AGO - dt.timedelta(hours=1) + dt.timedelta(minutes=minute)
            assert record(pack, kind, reporter, occurred_at=at, **fields).ok, kind
    return vin, batteries


def scrap(p, *items: ScrapInput, reporter=None, **kwargs):
    return vehicles_scrap_record(
        items=list(items), reporter=reporter or p.dismantler, channel=Channel.API, **kwargs
    )


def item(vin, number="BF-0001", **kwargs) -> ScrapInput:
    return ScrapInput(vin=vin, certificate_no=number, scrapped_at=HOUR_AGO, **kwargs)


def rows(record_: ScrappedVehicle) -> list[tuple]:
    return sorted(
        (row.battery.code, row.arrived, row.event.kind if row.event else None)
        for row in record_.packs.select_related("battery", "event")
    )


# --- What came with the vehicle ---------------------------------------------------------------


def test_a_vehicle_whose_packs_all_arrived_is_recorded_with_their_scrap_events(p):
    vin, (a, b) = sold_vehicle(p, packs=2)

    result = scrap(p, item(vin, note="整车到场"))

    assert result.ok, result.errors
    assert result.warnings == []
    (record_,) = result.records
    stored = ScrappedVehicle.objects.get(certificate_no="BF-0001")
    assert (stored.vin, stored.vehicle.vin, stored.dismantler, stored.pack_status) == (
        vin, vin, p.dismantler, "arrived",
    )  # fmt: skip
    assert (stored.scrapped_at, stored.note, stored.channel) == (HOUR_AGO, "整车到场", "api")
    assert rows(stored) == sorted(
        [(a.code, True, "scrap_vehicle"), (b.code, True, "scrap_vehicle")]
    )
    for pack in (a, b):
        pack.refresh_from_db()
        assert (pack.state, pack.holder) == (State.VEHICLE_SCRAPPED, p.dismantler)
        event = pack.events.get(kind="scrap_vehicle")
        assert (event.vehicle.vin, event.document_ref, event.occurred_at) == (
            vin, "BF-0001", HOUR_AGO,
        )  # fmt: skip


def test_a_vehicle_with_one_of_two_packs_is_recorded_as_partial_with_a_warning(p):
    vin, (a, b) = sold_vehicle(p, packs=2)

    result = scrap(p, item(vin, arrived_codes=[a.code.lower()]))

    assert result.ok, result.errors
    assert [(w.index, w.field, w.code) for w in result.warnings] == [
        (0, "arrived_codes", "scrap.pack_missing")
    ]
    stored = ScrappedVehicle.objects.get()
    assert stored.pack_status == "partial"
    assert rows(stored) == sorted([(a.code, True, "scrap_vehicle"), (b.code, False, None)])
    b.refresh_from_db()
    assert b.state == State.SOLD


def test_a_vehicle_without_its_pack_is_recorded_as_missing_with_a_warning(p):
    vin, (pack,) = sold_vehicle(p)

    result = scrap(p, item(vin, pack_missing=True))

    assert result.ok, result.errors
    assert [w.code for w in result.warnings] == ["scrap.pack_missing"]
    assert "车电一体" in str(result.warnings[0].message)
    stored = ScrappedVehicle.objects.get()
    assert (stored.pack_status, rows(stored)) == ("missing", [(pack.code, False, None)])
    assert not LifecycleEvent.objects.filter(kind="scrap_vehicle").exists()


@pytest.mark.parametrize(
    ("registered_swap", "declaration"),
    [(True, {"arrived_codes": []}), (True, {"pack_missing": True}), (False, {"swap_pool": True})],
)
def test_a_swap_model_without_its_pack_is_recorded_as_in_the_swap_pool(
    p, registered_swap, declaration
):
    vin, (pack,) = sold_vehicle(p, swap=registered_swap)
    assert Vehicle.objects.get(vin=vin).is_swap_model is registered_swap
    result = scrap(p, item(vin, **declaration))

    assert result.ok, result.errors
    assert result.warnings == []
    assert ScrappedVehicle.objects.get().pack_status == "swap_pool"


@pytest.mark.parametrize(
    ("declaration", "status", "warnings"),
    [
        ({}, "arrived", ["scrap.vehicle_unknown"]),
        ({"pack_missing": True}, "missing", ["scrap.vehicle_unknown", "scrap.pack_missing"]),
        ({"swap_pool": True}, "swap_pool", ["scrap.vehicle_unknown"]),
    ],
)
def test_a_vin_the_registry_does_not_know_is_recorded_as_declared(p, declaration, status, warnings):
    result = scrap(p, item(UNKNOWN_VIN, **declaration))

    assert result.ok, result.errors
    assert [w.code for w in result.warnings] == warnings
    stored = ScrappedVehicle.objects.get()
    assert (stored.vehicle, stored.pack_status, rows(stored)) == (None, status, [])


# --- Refusals -----------------------------------------------------------------------------


def test_a_certificate_already_used_or_used_twice_in_a_batch_is_refused(p):
    vin, _ = sold_vehicle(p)
    assert scrap(p, item(UNKNOWN_VIN, "BF-TAKEN")).ok

    again = scrap(p, item(vin, "BF-TAKEN"))
    twice = scrap(p, item(vin, "BF-NEW"), item(UNKNOWN_VIN, "BF-NEW"))

    assert [(e.index, e.field, e.code) for e in again.errors] == [
        (0, "certificate_no", "scrap.certificate_taken")
    ]
    assert [(e.index, e.code) for e in twice.errors] == [(1, "scrap.certificate_taken")]
    repeated = scrap(p, item(vin, "BF-A"), item(vin, "BF-B"))
    assert [(e.index, e.field, e.code) for e in repeated.errors] == [
        (1, "vin", "scrap.vin_repeated")
    ]
    assert ScrappedVehicle.objects.count() == 1


def test_an_arrived_code_not_bound_to_the_vin_is_refused_revealing_nothing_more(p):
    vin, _ = sold_vehicle(p)
    _, (elsewhere,) = sold_vehicle(p)
    never = code_for("T01")

    result = scrap(p, item(vin, arrived_codes=[elsewhere.code, never]))

    assert [(e.field, e.code, str(e.message)) for e in result.errors] == [
        ("arrived_codes", "scrap.pack_not_bound", f"电池编码 {elsewhere.code} 未绑定在该车辆上。"),
        ("arrived_codes", "scrap.pack_not_bound", f"电池编码 {never} 未绑定在该车辆上。"),
    ]
    assert not ScrappedVehicle.objects.exists()


def test_every_problem_of_an_item_is_reported_at_once(p):
    bad = ScrapInput(
        vin="LDC12345",
        certificate_no="",
        scrapped_at=timezone.now() + dt.timedelta(days=1),
        arrived_codes=["X"],
        pack_missing=True,
        swap_pool=True,
    )
    result = scrap(p, bad)
    fields = [e.field for e in result.errors]
    assert {"vin", "certificate_no", "scrapped_at", "pack_missing", "arrived_codes"} <= set(fields)


def test_only_a_dismantler_reports_scrapped_vehicles(p):
    vin, _ = sold_vehicle(p)
    result = scrap(p, item(vin), reporter=p.maker)
    assert [e.code for e in result.errors] == ["scrap.role"]


def test_valid_vehicles_are_recorded_and_a_vehicle_whose_pack_cannot_be_scrapped_is_not(p):
    good_vin, (good,) = sold_vehicle(p)
    taken_vin, (taken,) = sold_vehicle(p)
    assert record(
        taken, "scrap_vehicle", p.rival, vin=taken_vin, document_ref="BF-RIVAL"
    ).ok  # already scrapped elsewhere

    result = scrap(
        p,
        item(good_vin, "BF-1"),
        item(taken_vin, "BF-2"),
        item("NOT-A-VIN", "BF-3"),
        all_or_nothing=False,
    )

    assert [(e.index, e.field, e.code) for e in result.errors][0][:2] == (1, "arrived_codes")
    assert {e.index for e in result.errors} == {1, 2}
    assert taken.code in str(result.errors[0].message)
    assert set(ScrappedVehicle.objects.values_list("certificate_no", flat=True)) == {
        "BF-1",
        "BF-RIVAL",
    }
    good.refresh_from_db()
    assert good.state == State.VEHICLE_SCRAPPED


def test_all_or_nothing_writes_nothing_when_one_vehicle_fails(p):
    good_vin, _ = sold_vehicle(p)
    result = scrap(p, item(good_vin, "BF-1"), item("NOT-A-VIN", "BF-2"))
    assert {e.index for e in result.errors} == {1}
    assert not ScrappedVehicle.objects.exists()
    assert not LifecycleEvent.objects.filter(kind="scrap_vehicle").exists()


# --- Plain scrap events attach to a record by certificate ----------------------------------


def test_plain_scrap_events_of_one_vehicle_make_one_record_by_certificate(p):
    vin, (a, b) = sold_vehicle(p, packs=2)

    assert record(a, "scrap_vehicle", p.dismantler, vin=vin, document_ref="BF-9").ok
    assert record(b, "scrap_vehicle", p.dismantler, vin=vin, document_ref=" BF-9 ").ok

    stored = ScrappedVehicle.objects.get()
    assert (stored.certificate_no, stored.vin, stored.vehicle.vin) == ("BF-9", vin, vin)
    assert (stored.pack_status, stored.dismantler, stored.channel) == (
        "arrived", p.dismantler, "web",
    )  # fmt: skip
    assert rows(stored) == sorted(
        [(a.code, True, "scrap_vehicle"), (b.code, True, "scrap_vehicle")]
    )


def test_a_plain_scrap_event_under_another_vehicles_or_dismantlers_certificate_is_refused(p):
    vin, (pack,) = sold_vehicle(p)
    other_vin, (other,) = sold_vehicle(p)
    assert scrap(p, item(UNKNOWN_VIN, "BF-OTHER")).ok
    assert scrap(p, item(other_vin, "BF-RIVAL", pack_missing=True), reporter=p.rival).ok

    by_vin = record(pack, "scrap_vehicle", p.dismantler, vin=vin, document_ref="BF-OTHER")
    by_dismantler = record(
        other, "scrap_vehicle", p.dismantler, vin=other_vin, document_ref="BF-RIVAL"
    )

    for result in (by_vin, by_dismantler):
        assert [(e.field, e.code) for e in result.errors] == [
            ("document_ref", "scrap.certificate_taken")
        ]
    pack.refresh_from_db()
    assert pack.state == State.SOLD


def test_a_pack_declared_missing_that_arrives_later_completes_its_record(p):
    vin, (a, b) = sold_vehicle(p, packs=2)
    assert scrap(p, item(vin, "BF-5", arrived_codes=[a.code])).ok
    assert ScrappedVehicle.objects.get().pack_status == "partial"

    assert record(b, "scrap_vehicle", p.dismantler, vin=vin, document_ref="BF-5").ok

    stored = ScrappedVehicle.objects.get()
    assert stored.pack_status == "arrived"
    assert rows(stored) == sorted(
        [(a.code, True, "scrap_vehicle"), (b.code, True, "scrap_vehicle")]
    )
    assert ScrappedVehiclePack.objects.count() == 2


# --- A pack is scrapped only through the VIN it is bound to -------------------------------


def _answer(result, code: str) -> list[dict]:
    return [
        {**e.as_dict(), "message": e.as_dict()["message"].replace(code, "CODE")}
        for e in result.errors
    ]


@pytest.mark.parametrize("vin", ["other", "", "malformed"])
def test_a_dismantler_that_cannot_read_the_pack_and_names_another_vin_gets_the_unknown_answer(
    p, vin
):
    _, (pack,) = sold_vehicle(p)
    named = {"other": UNKNOWN_VIN, "": "", "malformed": "LDC123"}[vin]
    never = code_for("T01")

    def scrap_event(code):
        event = EventInput(code, "scrap_vehicle", HOUR_AGO, vin=named, document_ref="BF-X")
        return events_record(items=[event], reporter=p.dismantler, channel=Channel.API)

    hidden, unknown = scrap_event(pack.code), scrap_event(never)

    assert [e.code for e in hidden.errors] == ["event.unknown_code"]
    assert _answer(hidden, pack.code) == _answer(unknown, never)
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.SOLD, p.maker)
    assert not ScrappedVehicle.objects.exists()


def test_a_dismantler_that_can_read_the_pack_is_told_the_vin_does_not_match(p):
    # A maker that also dismantles: it held the pack, so it may read it.
    maker = enterprise_create(
        name="辛汽车拆解", division="440307", roles=["vehicle_producer", "dismantler"]
    )
    p.maker = maker
    vin, (pack,) = sold_vehicle(p)

    wrong = record(pack, "scrap_vehicle", maker, vin=UNKNOWN_VIN, document_ref="BF-X")
    missing = record(pack, "scrap_vehicle", maker, document_ref="BF-X")
    right = record(pack, "scrap_vehicle", maker, vin=vin, document_ref="BF-X")

    assert [(e.field, e.code) for e in wrong.errors] == [("vin", "event.vehicle_mismatch")]
    assert [(e.field, e.code) for e in missing.errors] == [("vin", "event.vehicle_required")]
    assert right.ok, right.errors


def test_a_pack_no_longer_bound_cannot_be_scrapped_by_its_former_vin(p):
    vin, (pack,) = sold_vehicle(p)
    repair = enterprise_create(name="戊维修", division="310115", roles=["repair_shop"])
    assert record(pack, "remove_for_repair", repair, vin=vin).ok  # leaves the vehicle
    result = record(pack, "scrap_vehicle", p.dismantler, vin=vin, document_ref="BF-X")
    assert [e.code for e in result.errors] == ["event.unknown_code"]


def test_voiding_a_scrap_event_counts_its_pack_as_not_arrived(p):
    from batteries.services.corrections import event_void

    vin, (a, b) = sold_vehicle(p, packs=2)
    result = scrap(p, item(vin, "BF-V"))
    event = next(e for e in result.events if e.battery_id == b.pk)

    event_void(event=event, reporter=p.dismantler, reason="扫错电池", channel=Channel.WEB)

    stored = ScrappedVehicle.objects.get()
    assert stored.pack_status == "partial"
    assert rows(stored) == sorted([(a.code, True, "scrap_vehicle"), (b.code, False, None)])
    b.refresh_from_db()
    assert b.state == State.SOLD


def test_a_batch_of_vehicles_costs_the_same_queries_as_one(p, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vehicles = [sold_vehicle(p, packs=2)[0] for _ in range(6)]
    with CaptureQueriesContext(connection) as one:
        assert scrap(p, item(vehicles[0], "BF-Q-0")).ok
    with django_assert_max_num_queries(len(one)):
        result = scrap(p, *(item(vin, f"BF-Q-{n}") for n, vin in enumerate(vehicles[1:], 1)))
    assert result.ok and len(result.events) == 10
