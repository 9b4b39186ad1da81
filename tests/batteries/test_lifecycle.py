"""The lifecycle state machine, the hash chain and corrections, through the real services."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from batteries.models import Battery, Handover, LifecycleEvent, State
from batteries.services.chain import chain_verify
from batteries.services.corrections import CorrectionRefused, event_void
from common.identifiers import make_vin
from tests.batteries.builders import outlet_create, pack_create, producer_create, record
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db

VIN = make_vin("LDC12345", "R0000001")


@pytest.fixture
def parties():
    return {
        "producer": producer_create(),
        "maker": enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"]),
        "dismantler": enterprise_create(name="丙拆解", division="320506", roles=["dismantler"]),
        "utilizer": enterprise_create(name="丁综合利用", division="430181", roles=["utilizer"]),
        "repair": enterprise_create(name="戊维修", division="310115", roles=["repair_shop"]),
    }


def drive_to_scrapped(pack, p):
    steps = [
        ("produce", p["producer"], {}),
        ("deliver", p["producer"], {"counterparty_uscc": p["maker"].uscc}),
        ("install", p["maker"], {"vin": VIN}),
        ("sell", p["maker"], {}),
        ("scrap_vehicle", p["dismantler"], {"vin": VIN, "document_ref": "BF-2026-0001"}),
        ("dismantle", p["dismantler"], {}),
    ]
    for minute, (kind, reporter, fields) in enumerate(steps):
        result = record(pack, kind, reporter, minutes=minute, **fields)
        assert result.ok, (kind, result.errors)
    pack.refresh_from_db()
    return pack


def test_it_follows_a_pack_from_registration_to_recycling(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    assert pack.state == State.DISMANTLED and pack.holder == parties["dismantler"]
    assert pack.vehicle is None
    assert record(
        pack,
        "handover",
        parties["dismantler"],
        minutes=10,
        counterparty_uscc=parties["utilizer"].uscc,
    ).ok
    assert record(pack, "receipt_confirm", parties["utilizer"], minutes=11).ok
    assert record(pack, "recycle", parties["utilizer"], minutes=12).ok
    pack.refresh_from_db()
    assert pack.state == State.RECYCLED and pack.holder == parties["utilizer"]
    assert Handover.objects.get(battery=pack).status == Handover.Status.CONFIRMED
    assert chain_verify(pack).ok and chain_verify(pack).events_checked == 10


def test_it_binds_the_pack_to_the_vehicle_on_installation(parties):
    pack = pack_create(parties["producer"])
    record(pack, "produce", parties["producer"])
    record(pack, "deliver", parties["producer"], minutes=1, counterparty_uscc=parties["maker"].uscc)
    assert record(pack, "install", parties["maker"], minutes=2, vin=VIN).ok
    pack.refresh_from_db()
    assert pack.vehicle.vin == VIN and pack.vehicle.producer == parties["maker"]
    assert pack.bindings.get().unbound_at is None


def test_dismantling_closes_the_binding_and_a_receipt_closes_the_handover(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    dismantle = pack.events.get(kind="dismantle")
    binding = pack.bindings.get()
    assert (binding.unbound_at, binding.unbound_by) == (dismantle.occurred_at, dismantle)
    assert binding.vehicle.vin == VIN and dismantle.vehicle == binding.vehicle
    utilizer = parties["utilizer"]
    assert record(
        pack, "handover", parties["dismantler"], minutes=10, counterparty_uscc=utilizer.uscc
    ).ok
    handover = Handover.objects.get(battery=pack)
    assert (handover.status, handover.giver, handover.receiver) == (
        "open",
        parties["dismantler"],
        utilizer,
    )
    assert record(pack, "receipt_dispute", utilizer, minutes=11).ok
    handover.refresh_from_db()
    dispute = pack.events.get(kind="receipt_dispute")
    assert (handover.status, handover.resolution_event, handover.resolved_at) == (
        Handover.Status.DISPUTED, dispute, dispute.occurred_at,
    )  # fmt: skip


def test_it_refuses_an_event_the_state_does_not_allow(parties):
    pack = pack_create(parties["producer"])
    result = record(pack, "sell", parties["producer"])
    assert [e.code for e in result.errors] == ["event.state"]
    assert LifecycleEvent.objects.filter(battery=pack).count() == 1


def test_it_refuses_a_reporter_without_the_role(parties):
    pack = pack_create(parties["producer"])
    maker = parties["maker"]
    assert record(pack, "produce", parties["producer"]).ok
    assert record(pack, "deliver", parties["producer"], minutes=1, counterparty_uscc=maker.uscc).ok
    assert record(pack, "install", maker, minutes=2, vin=VIN).ok
    # The maker holds the pack, so it is told the real reason: only dismantlers scrap.
    result = record(pack, "scrap_vehicle", maker, minutes=3, vin=VIN, document_ref="BF-1")
    assert [e.code for e in result.errors] == ["event.role"]


def test_it_records_a_handover_to_an_unqualified_receiver_with_a_warning(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    result = record(
        pack,
        "handover",
        parties["dismantler"],
        minutes=10,
        counterparty_uscc=parties["repair"].uscc,
    )
    assert result.ok, result.errors
    assert [(w.field, w.code) for w in result.warnings] == [
        ("counterparty_uscc", "event.receiver_unqualified")
    ]
    assert "将由监管部门审查" in str(result.warnings[0].message)
    pack.refresh_from_db()
    assert pack.state == State.HANDED_OVER and pack.holder == parties["dismantler"]
    handover = Handover.objects.get(battery=pack)
    assert (handover.status, handover.receiver) == (Handover.Status.OPEN, parties["repair"])


def test_a_handover_to_a_utilizer_carries_no_warning(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    result = record(
        pack,
        "handover",
        parties["dismantler"],
        minutes=10,
        counterparty_uscc=parties["utilizer"].uscc,
    )
    assert result.ok and result.warnings == []


def test_it_accepts_a_handover_to_a_producers_outlet(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    outlet_create(parties["maker"])
    assert record(
        pack, "handover", parties["dismantler"], minutes=10, counterparty_uscc=parties["maker"].uscc
    ).ok


def test_it_lets_only_the_receiver_confirm_a_handover(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    other = enterprise_create(name="己综合利用", division="430181", roles=["utilizer"])
    record(
        pack,
        "handover",
        parties["dismantler"],
        minutes=10,
        counterparty_uscc=parties["utilizer"].uscc,
    )
    # An enterprise that cannot read the pack learns nothing: the unknown-code answer.
    assert [e.code for e in record(pack, "receipt_confirm", other, minutes=11).errors] == [
        "event.unknown_code"
    ]
    # The maker was party to the pack: it is told why.
    assert [
        e.code for e in record(pack, "receipt_confirm", parties["maker"], minutes=11).errors
    ] == ["event.not_receiver"]


def test_it_returns_a_disputed_pack_to_the_giver(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    record(
        pack,
        "handover",
        parties["dismantler"],
        minutes=10,
        counterparty_uscc=parties["utilizer"].uscc,
    )
    assert record(
        pack, "receipt_dispute", parties["utilizer"], minutes=11, details={"reason": "数量不符"}
    ).ok
    pack.refresh_from_db()
    assert pack.state == State.DISMANTLED and pack.holder == parties["dismantler"]
    assert Handover.objects.get(battery=pack).status == Handover.Status.DISPUTED


def test_a_receipt_without_an_open_handover_or_a_named_giver_is_answered_as_unknown(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    result = record(pack, "receipt_confirm", parties["utilizer"], minutes=11)
    assert [e.code for e in result.errors] == ["event.unknown_code"]


def test_it_refuses_events_in_the_future_and_out_of_order(parties):
    pack = pack_create(parties["producer"])
    future = record(
        pack, "produce", parties["producer"], occurred_at=timezone.now() + dt.timedelta(hours=2)
    )
    assert [e.code for e in future.errors] == ["event.time_future"]
    assert record(pack, "produce", parties["producer"]).ok
    past = record(
        pack,
        "deliver",
        parties["producer"],
        counterparty_uscc=parties["maker"].uscc,
        occurred_at=timezone.now() - dt.timedelta(days=2),
    )
    assert [e.code for e in past.errors] == ["event.time_order"]


def test_it_writes_nothing_when_one_item_of_an_all_or_nothing_batch_fails(parties):
    from batteries.models import Channel
    from batteries.services.events import EventInput, events_record

    good, bad = pack_create(parties["producer"]), pack_create(parties["producer"])
    now = timezone.now() - dt.timedelta(minutes=5)
    items = [EventInput(good.code, "produce", now), EventInput(bad.code, "sell", now)]
    result = events_record(items=items, reporter=parties["producer"], channel=Channel.API)
    assert [(e.index, e.code) for e in result.errors] == [(1, "event.state")]
    assert LifecycleEvent.objects.filter(kind="produce").count() == 0
    partial = events_record(
        items=items, reporter=parties["producer"], channel=Channel.API, all_or_nothing=False
    )
    assert len(partial.events) == 1 and LifecycleEvent.objects.filter(kind="produce").count() == 1


def test_it_voids_the_latest_event_and_restores_the_previous_state(parties):
    pack = pack_create(parties["producer"])
    record(pack, "produce", parties["producer"])
    wrong = record(
        pack, "deliver", parties["producer"], minutes=1, counterparty_uscc=parties["maker"].uscc
    ).events[0]
    correction = event_void(
        event=wrong, reporter=parties["producer"], reason="交付对象填错", channel="web"
    )
    pack.refresh_from_db()
    assert pack.state == State.PRODUCED and pack.holder == parties["producer"]
    assert correction.voids == wrong and LifecycleEvent.objects.filter(pk=wrong.pk).exists()
    assert chain_verify(pack).ok


def test_it_refuses_to_void_an_event_of_another_reporter(parties):
    pack = pack_create(parties["producer"])
    record(pack, "produce", parties["producer"])
    record(pack, "deliver", parties["producer"], minutes=1, counterparty_uscc=parties["maker"].uscc)
    install = record(pack, "install", parties["maker"], minutes=2, vin=VIN).events[0]
    with pytest.raises(CorrectionRefused) as refused:
        event_void(event=install, reporter=parties["producer"], reason="x", channel="web")
    assert refused.value.code == "void.not_reporter"


def test_it_has_no_edit_or_delete_path_for_events(parties):
    pack = pack_create(parties["producer"])
    event = pack.events.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        LifecycleEvent.objects.filter(pk=event.pk).update(document_ref="x")
    with pytest.raises(TypeError):
        LifecycleEvent.objects.filter(pk=event.pk).delete()


def test_the_database_itself_refuses_to_update_an_event(parties):
    from django.db import DatabaseError, transaction

    pack = pack_create(parties["producer"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE batteries_lifecycleevent SET document_ref = 'x' WHERE battery_id = %s",
            [pack.pk],
        )


def test_chain_verification_catches_a_row_altered_directly_in_the_database(parties):
    pack = pack_create(parties["producer"])
    record(pack, "produce", parties["producer"])
    record(pack, "deliver", parties["producer"], minutes=1, counterparty_uscc=parties["maker"].uscc)
    with connection.cursor() as cursor:  # what an attacker with table-owner rights could do
        cursor.execute("SET LOCAL session_replication_role = replica")  # skips the trigger
        cursor.execute(
            "UPDATE batteries_lifecycleevent SET occurred_at = occurred_at - "
            "interval '3 days' WHERE battery_id = %s AND seq = 2",
            [pack.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    report = chain_verify(Battery.objects.get(pk=pack.pk))
    assert not report.ok and report.broken_seq == 2 and report.reason == "hash"


def _received(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    record(
        pack,
        "handover",
        parties["dismantler"],
        minutes=10,
        counterparty_uscc=parties["utilizer"].uscc,
    )
    record(pack, "receipt_confirm", parties["utilizer"], minutes=11)
    return pack


def _new_code(mfr="U01"):
    from common.battery_code import make_battery_code

    return make_battery_code(
        manufacturer=mfr, produced=dt.date(2026, 5, 1), serial=42, repurposed=True
    )


def test_it_issues_a_linked_new_code_when_a_pack_is_repurposed(parties):
    pack = _received(parties)
    new_code = _new_code()
    result = record(
        pack,
        "repurpose",
        parties["utilizer"],
        minutes=12,
        details={"new_code": new_code, "declared_use": "通信基站备用电源"},
    )
    assert result.ok, result.errors
    unit = Battery.objects.get(code=new_code)
    assert unit.original == pack and unit.holder == parties["utilizer"]
    assert unit.state == State.REGISTERED and chain_verify(unit).ok
    pack.refresh_from_db()
    assert pack.state == State.REPURPOSED and chain_verify(pack).ok


def test_it_flags_a_declared_prohibited_use_for_enforcement(parties):
    pack = _received(parties)
    result = record(
        pack,
        "repurpose",
        parties["utilizer"],
        minutes=12,
        details={"new_code": _new_code(), "declared_use": "电动自行车电池"},
    )
    assert result.ok
    assert result.events[0].details["prohibited_use"] is True


def test_it_refuses_a_repurposing_without_a_valid_new_code(parties):
    pack = _received(parties)
    result = record(
        pack,
        "repurpose",
        parties["utilizer"],
        minutes=12,
        details={"new_code": pack.code, "declared_use": "储能"},
    )
    assert [(e.field, e.code) for e in result.errors] == [("new_code", "repurpose.code_form")]


def test_the_receiver_of_an_open_handover_sees_the_pack(parties):
    pack = drive_to_scrapped(pack_create(parties["producer"]), parties)
    assert not Battery.objects.for_scope(_scope(parties["utilizer"])).filter(pk=pack.pk).exists()
    record(
        pack,
        "handover",
        parties["dismantler"],
        minutes=10,
        counterparty_uscc=parties["utilizer"].uscc,
    )
    assert Battery.objects.for_scope(_scope(parties["utilizer"])).filter(pk=pack.pk).exists()


def _scope(enterprise):
    from enterprises.scoping import Scope

    return Scope(enterprise_id=enterprise.pk)


def test_it_refuses_reports_from_a_suspended_enterprise(parties):
    pack = pack_create(parties["producer"])
    parties["producer"].status = "suspended"
    parties["producer"].save()
    result = record(pack, "produce", parties["producer"])
    assert [e.code for e in result.errors] == ["event.reporter_not_approved"]
