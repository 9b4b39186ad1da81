"""Receipts reported before their handover, unqualified receivers, and what they answer.

The registry records what happened, in the order it is told: a receiver that got a pack
reports the receipt even if the giver has not reported the handover yet, and the pair is
reconciled when the giver reports, in either order. A report on a pack the reporter cannot
read carries proof of a real relation to it, or is answered exactly like an unknown code.
"""

import datetime as dt

import pytest
from django.utils import timezone

from batteries.models import Channel, Handover, LifecycleEvent, State
from batteries.services.chain import chain_verify
from batteries.services.corrections import event_void
from batteries.services.events import EventInput, events_record
from common.identifiers import make_vin
from tests.batteries.builders import code_for, pack_create, producer_create, record
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db

VIN = make_vin("LDC12345", "R0000301")
HOUR_AGO = timezone.now() - dt.timedelta(hours=1)


@pytest.fixture
def p():
    class Parties:
        producer = producer_create()
        maker = enterprise_create(name="乙汽车", division="440307", roles=["vehicle_producer"])
        dismantler = enterprise_create(name="丙拆解", division="320506", roles=["dismantler"])
        utilizer = enterprise_create(name="丁综合利用", division="430181", roles=["utilizer"])
        repair = enterprise_create(name="戊维修", division="310115", roles=["repair_shop"])

    return Parties


def at(minutes: int) -> dt.datetime:
    return HOUR_AGO + dt.timedelta(minutes=minutes)


def dismantled(p):
    """A pack scrapped and dismantled by the dismantler (events at minutes 0-5)."""
    pack = pack_create(p.producer)
    steps = [
        ("produce", p.producer, {}),
        ("deliver", p.producer, {"counterparty_uscc": p.maker.uscc}),
        ("install", p.maker, {"vin": VIN}),
        ("sell", p.maker, {}),
        ("scrap_vehicle", p.dismantler, {"vin": VIN, "document_ref": "BF-2026-0301"}),
        ("dismantle", p.dismantler, {}),
    ]
    for minute, (kind, reporter, fields) in enumerate(steps):
        result = record(pack, kind, reporter, occurred_at=at(minute), **fields)
        assert result.ok, (kind, result.errors)
    pack.refresh_from_db()
    return pack


def receipt(pack, reporter, giver, minutes=20):
    extra = {"counterparty_uscc": giver.uscc} if giver else {}
    return record(pack, "receipt_confirm", reporter, occurred_at=at(minutes), **extra)


def handover(pack, giver, receiver, minutes=10):
    return record(pack, "handover", giver, occurred_at=at(minutes), counterparty_uscc=receiver.uscc)


def pair(pack) -> tuple:
    h = Handover.objects.select_related("handover_event", "resolution_event").get(battery=pack)
    return (
        h.status,
        h.giver_id,
        h.receiver_id,
        h.handover_event.kind if h.handover_event else None,
        h.resolution_event.kind if h.resolution_event else None,
        h.state_before,
    )


# --- Receipt first -----------------------------------------------------------------------


def test_a_receipt_reported_before_the_handover_is_recorded_and_awaits_the_giver(p):
    pack = dismantled(p)

    result = receipt(pack, p.utilizer, p.dismantler)

    assert result.ok, result.errors
    assert [(w.field, w.code) for w in result.warnings] == [
        ("counterparty_uscc", "event.receipt_before_handover")
    ]
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.RECEIVED, p.utilizer)
    event = result.events[0]
    assert (event.counterparty, event.state_after, event.holder_after) == (
        p.dismantler, State.RECEIVED, p.utilizer,
    )  # fmt: skip
    row = Handover.objects.get(battery=pack)
    assert (row.status, row.handover_event, row.resolution_event) == ("awaiting_giver", None, event)
    assert (row.giver, row.receiver, row.state_before) == (p.dismantler, p.utilizer, "dismantled")
    assert row.handed_over_at == at(20) == row.resolved_at


def test_the_givers_later_handover_closes_the_pair_and_leaves_the_pack_with_the_receiver(p):
    pack = dismantled(p)
    assert receipt(pack, p.utilizer, p.dismantler, minutes=20).ok

    # Dated before the receipt (it happened first), reported after it.
    result = handover(pack, p.dismantler, p.utilizer, minutes=10)

    assert result.ok, result.errors
    assert result.warnings == []
    event = result.events[0]
    assert (event.kind, event.state_after, event.holder_after) == (
        "handover", State.RECEIVED, p.utilizer,
    )  # fmt: skip
    pack.refresh_from_db()
    assert (pack.state, pack.holder, pack.last_occurred_at) == (State.RECEIVED, p.utilizer, at(20))
    row = Handover.objects.get(battery=pack)
    assert (row.status, row.handover_event, row.handed_over_at) == ("confirmed", event, at(10))
    assert chain_verify(pack).ok


def test_both_orders_end_in_the_same_pack_and_the_same_confirmed_pair(p):
    normal, reversed_ = dismantled(p), dismantled(p)
    assert handover(normal, p.dismantler, p.utilizer).ok
    assert receipt(normal, p.utilizer, None).ok
    assert receipt(reversed_, p.utilizer, p.dismantler).ok
    assert handover(reversed_, p.dismantler, p.utilizer).ok

    for pack in (normal, reversed_):
        pack.refresh_from_db()
        assert (pack.state, pack.holder) == (State.RECEIVED, p.utilizer)
    assert pair(normal) == pair(reversed_) == (
        "confirmed", p.dismantler.pk, p.utilizer.pk, "handover", "receipt_confirm", "dismantled",
    )  # fmt: skip
    assert record(reversed_, "recycle", p.utilizer, occurred_at=at(30)).ok


def test_the_normal_order_still_opens_the_pair_with_the_handover(p):
    pack = dismantled(p)
    result = handover(pack, p.dismantler, p.utilizer)
    assert result.ok and result.warnings == []
    assert pair(pack)[0] == "open"
    confirmed = receipt(pack, p.utilizer, None)
    assert confirmed.ok and confirmed.warnings == []
    assert pair(pack)[0] == "confirmed"


def test_the_reconciling_handover_may_not_predate_the_event_before_the_receipt(p):
    pack = dismantled(p)  # dismantled at minute 5
    assert receipt(pack, p.utilizer, p.dismantler, minutes=20).ok

    early = handover(pack, p.dismantler, p.utilizer, minutes=4)

    assert [(e.field, e.code) for e in early.errors] == [("occurred_at", "event.time_order")]
    assert handover(pack, p.dismantler, p.utilizer, minutes=5).ok


def test_the_time_order_exception_is_only_for_the_reconciling_handover(p):
    pack = dismantled(p)
    assert receipt(pack, p.utilizer, p.dismantler, minutes=20).ok
    late = record(pack, "recycle", p.utilizer, occurred_at=at(10))
    assert [e.code for e in late.errors] == ["event.time_order"]


def test_a_giver_naming_another_receiver_is_told_another_enterprise_received_the_pack(p):
    pack = dismantled(p)
    other = enterprise_create(name="己综合利用", division="430181", roles=["utilizer"])
    assert receipt(pack, p.utilizer, p.dismantler).ok

    result = handover(pack, p.dismantler, other)

    assert [(e.field, e.code) for e in result.errors] == [
        ("counterparty_uscc", "event.received_by_other")
    ]
    assert "已由另一企业上报从本企业接收" in str(result.errors[0].message)
    assert pair(pack)[0] == "awaiting_giver"


def test_only_the_named_giver_closes_the_pair(p):
    pack = dismantled(p)
    assert receipt(pack, p.utilizer, p.dismantler).ok
    # The producer was party to the pack but is neither giver nor holder.
    result = handover(pack, p.producer, p.utilizer, minutes=30)
    assert [e.code for e in result.errors] == ["event.state"]


# --- Proof for a pack the reporter cannot read --------------------------------------------


def _as_unknown(error, code: str) -> dict:
    return {**error.as_dict(), "message": error.as_dict()["message"].replace(code, "CODE")}


def _unknown_answer(reporter, kind="receipt_confirm", **fields) -> dict:
    code = code_for("T01")
    item = EventInput(code=code, kind=kind, occurred_at=at(20), **fields)
    result = events_record(items=[item], reporter=reporter, channel=Channel.API)
    (error,) = result.errors
    return _as_unknown(error, code)


@pytest.mark.parametrize(
    "case", ["giver_not_holder", "no_giver", "state", "unknown_giver", "dispute", "role"]
)
def test_a_receipt_without_proof_on_an_unreadable_pack_is_answered_as_an_unknown_code(p, case):
    pack = dismantled(p)
    if case == "state":  # sold: nothing a giver could have handed over
        pack = pack_create(p.producer)
        assert record(pack, "produce", p.producer, occurred_at=at(0)).ok
    reporter, kind = p.utilizer, "receipt_confirm"
    uscc = {
        "giver_not_holder": p.maker.uscc,
        "no_giver": "",
        "state": p.producer.uscc,
        "unknown_giver": "91350900587527783P",
        "dispute": p.dismantler.uscc,
        "role": p.dismantler.uscc,
    }[case]
    if case == "dispute":
        kind = "receipt_dispute"
    if case == "role":
        reporter = p.repair
    item = EventInput(pack.code, kind, at(20), counterparty_uscc=uscc)

    result = events_record(items=[item], reporter=reporter, channel=Channel.API)

    assert [e.code for e in result.errors] == ["event.unknown_code"]
    assert _as_unknown(result.errors[0], pack.code) == _unknown_answer(
        reporter, kind, counterparty_uscc=uscc
    )
    assert not LifecycleEvent.objects.filter(battery=pack, kind=kind).exists()


@pytest.mark.parametrize(
    ("giver", "expected"),
    [
        ("maker", ("counterparty_uscc", "event.giver_not_holder")),
        ("", ("counterparty_uscc", "event.counterparty_required")),
    ],
)
def test_a_reporter_that_can_read_the_pack_is_told_what_is_wrong(p, giver, expected):
    pack = dismantled(p)
    # The producer made the pack (it can read it) and may receive at its own outlet.
    uscc = getattr(p, giver).uscc if giver else ""
    item = EventInput(pack.code, "receipt_confirm", at(20), counterparty_uscc=uscc)
    result = events_record(items=[item], reporter=p.producer, channel=Channel.API)
    assert [(e.field, e.code) for e in result.errors] == [expected]


def test_a_reader_receipt_on_a_pack_in_no_handover_state_is_told_there_is_no_handover(p):
    pack = pack_create(p.producer)
    assert record(pack, "produce", p.producer, occurred_at=at(0)).ok
    assert record(pack, "deliver", p.producer, occurred_at=at(1), counterparty_uscc=p.maker.uscc).ok
    result = receipt(pack, p.producer, p.maker)
    assert [(e.field, e.code) for e in result.errors] == [("code", "event.no_open_handover")]


# --- Receivers without the qualification -----------------------------------------------------


def test_an_unqualified_receiver_of_an_open_handover_confirms_it_with_a_warning(p):
    pack = dismantled(p)
    sent = handover(pack, p.dismantler, p.repair)
    assert [w.code for w in sent.warnings] == ["event.receiver_unqualified"]

    confirmed = receipt(pack, p.repair, None)

    assert confirmed.ok, confirmed.errors
    assert [w.code for w in confirmed.warnings] == ["event.receiver_unqualified"]
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.RECEIVED, p.repair)
    assert pair(pack)[0] == "confirmed"


def test_an_unqualified_receiver_may_dispute_the_handover_it_got(p):
    pack = dismantled(p)
    assert handover(pack, p.dismantler, p.repair).ok
    result = record(
        pack, "receipt_dispute", p.repair, occurred_at=at(20), details={"reason": "数量不符"}
    )
    assert result.ok, result.errors
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.DISMANTLED, p.dismantler)


def test_an_unqualified_receiver_reporting_first_gets_both_warnings(p):
    pack = dismantled(p)
    result = receipt(pack, p.producer, p.dismantler)  # a producer without an outlet
    assert result.ok, result.errors
    assert [w.code for w in result.warnings] == [
        "event.receiver_unqualified",
        "event.receipt_before_handover",
    ]


# --- Corrections ------------------------------------------------------------------------------


def test_voiding_a_receipt_reported_first_voids_its_waiting_pair(p):
    pack = dismantled(p)
    event = receipt(pack, p.utilizer, p.dismantler).events[0]

    event_void(event=event, reporter=p.utilizer, reason="收错电池", channel=Channel.WEB)

    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.DISMANTLED, p.dismantler)
    assert pair(pack)[0] == "voided"
    # The giver may now hand the pack over as usual.
    assert handover(pack, p.dismantler, p.utilizer, minutes=30).ok
    assert Handover.objects.filter(battery=pack, status="open").count() == 1


def test_voiding_the_reconciling_handover_puts_the_pair_back_to_awaiting_the_giver(p):
    pack = dismantled(p)
    assert receipt(pack, p.utilizer, p.dismantler, minutes=20).ok
    sent = handover(pack, p.dismantler, p.utilizer, minutes=10).events[0]

    event_void(event=sent, reporter=p.dismantler, reason="日期填错", channel=Channel.WEB)

    row = Handover.objects.get(battery=pack)
    assert (row.status, row.handover_event, row.handed_over_at) == ("awaiting_giver", None, at(20))
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.RECEIVED, p.utilizer)
    again = handover(pack, p.dismantler, p.utilizer, minutes=12)
    assert again.ok, again.errors
    assert pair(pack)[0] == "confirmed"
    pack.refresh_from_db()
    assert chain_verify(pack).ok


def test_receipts_reported_first_cost_the_same_queries_for_one_pack_or_twenty(
    p, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    packs = [dismantled(p) for _ in range(21)]

    def items(chunk):
        return [
            EventInput(x.code, "receipt_confirm", at(20), counterparty_uscc=p.dismantler.uscc)
            for x in chunk
        ]

    with CaptureQueriesContext(connection) as one:
        assert events_record(items=items(packs[:1]), reporter=p.utilizer, channel="api").ok
    with django_assert_max_num_queries(len(one)):
        assert events_record(items=items(packs[1:]), reporter=p.utilizer, channel="api").ok
    assert Handover.objects.filter(status="awaiting_giver").count() == 21
