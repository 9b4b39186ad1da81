"""Events over the API: one, a batch of up to 10,000 (all or nothing), voids, the scoped list."""

import datetime as dt

import pytest

from batteries.models import Battery, LifecycleEvent
from tests.batteries.api.conftest import an_hour_ago, key_client, new_vin, packs_for
from tests.batteries.builders import record

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
BATCH = "/api/v1/events/batch"


def produce(pack, minutes: int = 0) -> dict:
    return {"code": pack.code, "kind": "produce", "occurred_at": an_hour_ago(minutes)}


# --- One event --------------------------------------------------------------------------------


def test_a_holder_reports_one_event_and_gets_it_back(producer, maker, producer_api):
    (pack,) = packs_for(producer, 1)
    producer_api.post(URL, produce(pack), format="json")
    payload = {
        "code": pack.code.lower(),
        "kind": "deliver",
        "occurred_at": an_hour_ago(5),
        "counterparty_uscc": maker.uscc,
        "document_ref": "JF-2026-001",
        "details": {"batch": "A"},
    }
    response = producer_api.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["seq"], body["kind"]) == (pack.code, 3, "deliver")
    assert body["counterparty"] == {"name": maker.name, "uscc": maker.uscc}
    assert body["holder_after"]["uscc"] == maker.uscc and body["state_after"] == "delivered"
    assert body["channel"] == "api" and body["details"] == {"batch": "A"}
    assert body["voided_by"] is None and len(body["hash"]) == 64
    pack.refresh_from_db()
    assert pack.state == "delivered" and pack.holder == maker


def test_a_refused_event_gets_400_with_the_rule_that_refused_it(producer, producer_api):
    (pack,) = packs_for(producer, 1)
    response = producer_api.post(URL, {**produce(pack), "kind": "sell"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": None,
            "field": "kind",
            "code": "event.state",
            "message": "电池当前状态不允许该事件。",
        }
    ]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"occurred_at": "2026-04-01T09:30:00"}, "occurred_at", "input.datetime_naive"),
        ({"occurred_at": "yesterday"}, "occurred_at", "input.datetime"),
        ({"occurred_at": None}, "occurred_at", "input.required"),
        ({"kind": "teleport"}, "kind", "input.choice"),
        ({"kind": "register"}, "kind", "input.choice"),
        ({"code": 42}, "code", "input.type"),
        ({"outlet_id": "7"}, "outlet_id", "input.type"),
        ({"outlet_id": True}, "outlet_id", "input.type"),
        ({"document_ref": "x" * 65}, "document_ref", "input.too_long"),
        ({"details": ["a"]}, "details", "input.type"),
    ],
)
def test_a_malformed_event_gets_400_naming_the_field(producer, producer_api, change, field, code):
    (pack,) = packs_for(producer, 1)
    response = producer_api.post(URL, {**produce(pack), **change}, format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    assert LifecycleEvent.objects.filter(battery=pack).count() == 1


def test_a_refusal_is_explained_in_chinese_by_default(producer, producer_api):
    (pack,) = packs_for(producer, 1)
    response = producer_api.post(URL, {**produce(pack), "kind": "sell"}, format="json")
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["detail"] == "请求有1处错误，未写入任何数据。"


def test_regulators_cannot_report_events(producer, regulator_api):
    (pack,) = packs_for(producer, 1)
    response = regulator_api.post(URL, produce(pack), format="json")
    assert response.status_code == 403
    assert "监管账号为只读" in response.json()["detail"]


# --- Batches ----------------------------------------------------------------------------------


def test_a_batch_records_every_event_and_returns_them_in_order(producer, producer_api):
    packs = packs_for(producer, 3)
    response = producer_api.post(
        BATCH, {"events": [produce(p, i) for i, p in enumerate(packs)]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 3
    assert [(e["code"], e["seq"], e["state_after"]) for e in body["events"]] == [
        (p.code, 2, "produced") for p in packs
    ]
    ids = [e["id"] for e in body["events"]]
    assert (
        list(LifecycleEvent.objects.filter(pk__in=ids).values_list("kind", flat=True))
        == ["produce"] * 3
    )


def test_one_pack_may_move_several_steps_in_one_batch(producer, maker, producer_api):
    (pack,) = packs_for(producer, 1)
    deliver = {
        "code": pack.code,
        "kind": "deliver",
        "occurred_at": an_hour_ago(1),
        "counterparty_uscc": maker.uscc,
    }
    response = producer_api.post(BATCH, {"events": [produce(pack), deliver]}, format="json")
    assert response.status_code == 201
    assert Battery.objects.get(pk=pack.pk).holder == maker


def test_a_batch_with_bad_items_writes_nothing_and_lists_every_bad_item(
    producer, rival, producer_api
):
    packs = packs_for(producer, 3)
    (foreign,) = packs_for(rival, 1, mfr="T02")
    events = [
        produce(packs[0]),
        {**produce(packs[1]), "occurred_at": "2026-04-01 09:30"},
        produce(packs[2]),
        "not an object",
    ]
    response = producer_api.post(BATCH, {"events": events}, format="json")
    assert response.status_code == 400
    assert [(e["index"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (1, "occurred_at", "input.datetime_naive"),
        (3, "", "input.type"),
    ]
    events = [produce(packs[0]), produce(foreign), produce(packs[1]), produce(packs[0])]
    response = producer_api.post(BATCH, {"events": events}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "批次中有2处错误，未写入任何数据。"
    assert [(e["index"], e["code"]) for e in body["errors"]] == [
        (1, "event.unknown_code"),  # another producer's pack: answered like an unknown code
        (3, "event.state"),
    ]
    assert not LifecycleEvent.objects.filter(kind="produce").exists()


@pytest.mark.parametrize("payload", [{}, {"events": []}, {"events": {}}, []])
def test_a_batch_must_hold_one_to_ten_thousand_events(producer_api, payload):
    response = producer_api.post(BATCH, payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "input.batch"


def test_a_batch_of_500_costs_the_same_queries_as_a_batch_of_one(
    producer, producer_api, django_assert_max_num_queries
):
    packs = packs_for(producer, 501)
    producer_api.get("/api/v1/whoami")  # warm up: the key's "last used" update
    # The key; savepoint, packs, their holders, handovers, bindings, events insert, access
    # pairs, packs update, release.
    with django_assert_max_num_queries(10):
        one = producer_api.post(BATCH, {"events": [produce(packs[0])]}, format="json")
    with django_assert_max_num_queries(10):
        many = producer_api.post(BATCH, {"events": [produce(p) for p in packs[1:]]}, format="json")
    assert one.status_code == many.status_code == 201
    assert many.json()["count"] == 500


def test_an_idempotent_batch_of_500_adds_a_constant_four_queries(
    producer, producer_api, django_assert_max_num_queries
):
    packs = packs_for(producer, 500)
    producer_api.get("/api/v1/whoami")
    # Plus: savepoint, claim the key, store the response, release.
    with django_assert_max_num_queries(14):
        response = producer_api.post(
            BATCH,
            {"events": [produce(p) for p in packs]},
            format="json",
            HTTP_IDEMPOTENCY_KEY="batch-500",
        )
    assert response.status_code == 201


# --- Voids ------------------------------------------------------------------------------------


def test_the_reporter_voids_its_latest_event_and_the_pack_goes_back(producer, maker, producer_api):
    (pack,) = packs_for(producer, 1)
    record(pack, "produce", producer)
    wrong = record(pack, "deliver", producer, minutes=1, counterparty_uscc=maker.uscc).events[0]
    response = producer_api.post(f"{URL}{wrong.pk}/void", {"reason": "交付对象填错"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "void" and body["voids"] == wrong.pk
    assert body["details"] == {"reason": "交付对象填错"}
    pack.refresh_from_db()
    assert pack.state == "produced" and pack.holder == producer


def test_a_void_needs_a_reason_and_the_latest_event_of_its_own(producer, maker, producer_api):
    (pack,) = packs_for(producer, 1)
    produced = record(pack, "produce", producer).events[0]
    delivered = record(pack, "deliver", producer, minutes=1, counterparty_uscc=maker.uscc)
    installed = record(pack, "install", maker, minutes=2, vin=new_vin()).events[0]
    response = producer_api.post(f"{URL}{installed.pk}/void", {"reason": " "}, format="json")
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("reason", "input.required")
    ]
    response = producer_api.post(f"{URL}{installed.pk}/void", {"reason": "x"}, format="json")
    assert response.json()["errors"][0]["code"] == "void.not_reporter"
    response = producer_api.post(f"{URL}{produced.pk}/void", {"reason": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "void.not_latest"
    assert delivered.ok and not LifecycleEvent.objects.filter(kind="void").exists()


def test_voiding_an_event_outside_the_callers_scope_gets_404(producer, rival, rival_api):
    (pack,) = packs_for(producer, 1)
    event = record(pack, "produce", producer).events[0]
    response = rival_api.post(f"{URL}{event.pk}/void", {"reason": "x"}, format="json")
    assert response.status_code == 404
    missing = rival_api.post(f"{URL}{event.pk + 1000}/void", {"reason": "x"}, format="json")
    assert missing.status_code == 404 and missing.json() == response.json()


# --- The list ---------------------------------------------------------------------------------


def test_the_event_list_shows_only_events_of_visible_packs(
    producer, rival, producer_api, rival_api, regulator_api
):
    (mine,) = packs_for(producer, 1)
    (theirs,) = packs_for(rival, 1, mfr="T02")
    record(mine, "produce", producer)
    record(theirs, "produce", rival)
    seen = {e["code"] for e in producer_api.get(URL).json()["results"]}
    assert seen == {mine.code}
    assert {e["code"] for e in rival_api.get(URL).json()["results"]} == {theirs.code}
    assert {e["code"] for e in regulator_api.get(URL).json()["results"]} == {
        mine.code,
        theirs.code,
    }


def test_the_event_list_filters_by_kind_time_reporter_and_code(producer, maker, producer_api):
    a, b = packs_for(producer, 2)
    base = dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=1)
    record(a, "produce", producer, occurred_at=base)
    record(
        a,
        "deliver",
        producer,
        occurred_at=base + dt.timedelta(minutes=1),
        counterparty_uscc=maker.uscc,
    )
    record(a, "install", maker, occurred_at=base + dt.timedelta(minutes=2), vin=new_vin())
    record(b, "produce", producer, occurred_at=base + dt.timedelta(minutes=3))

    def kinds(**params) -> list[str]:
        response = producer_api.get(URL, params)
        assert response.status_code == 200, response.content
        return [e["kind"] for e in response.json()["results"]]

    assert kinds(kind="produce") == ["produce", "produce"]
    assert kinds(reporter_uscc=maker.uscc) == ["install"]
    assert kinds(code=b.code.lower()) == ["produce", "register"]
    window = {
        "occurred_at_after": (base + dt.timedelta(seconds=90)).isoformat(),
        "occurred_at_before": (base + dt.timedelta(minutes=30)).isoformat(),
    }
    assert kinds(**window) == ["produce", "install"]
    assert kinds(occurred_at_before=base.isoformat(), kind="deliver") == []


def test_the_event_list_pages_with_a_cursor_at_constant_cost(
    producer, producer_api, django_assert_max_num_queries
):
    packs = packs_for(producer, 4)
    producer_api.get(URL)
    with django_assert_max_num_queries(2):
        first = producer_api.get(URL, {"page_size": 3}).json()
    assert "count" not in first and len(first["results"]) == 3 and first["next"]
    for pack in packs:
        record(pack, "produce", producer)
    with django_assert_max_num_queries(2):
        assert len(producer_api.get(URL, {"page_size": 8}).json()["results"]) == 8


def test_an_enterprise_key_of_a_suspended_enterprise_is_refused(producer):
    client = key_client(producer)
    producer.status = "suspended"
    producer.save()
    assert client.get(URL).status_code == 401


def test_event_rows_carry_exactly_the_fields_the_schema_documents(producer, producer_api):
    from batteries.api.serializers import EventCreatedSerializer, EventSerializer

    (pack,) = packs_for(producer, 1)
    created = producer_api.post(URL, produce(pack), format="json").json()
    listed = producer_api.get(URL, {"kind": "produce"}).json()["results"][0]
    assert set(listed) == set(EventSerializer().fields)
    assert set(created) == set(EventCreatedSerializer().fields) == set(listed) | {"warnings"}
    assert created.pop("warnings") == []
    assert created == listed


# --- Warnings: recorded, to be examined -------------------------------------------------------


def _dismantled(producer, maker, dismantler) -> Battery:
    (pack,) = packs_for(producer, 1)
    vin = new_vin()
    steps = [
        ("produce", producer, {}),
        ("deliver", producer, {"counterparty_uscc": maker.uscc}),
        ("install", maker, {"vin": vin}),
        ("sell", maker, {}),
        ("scrap_vehicle", dismantler, {"vin": vin, "document_ref": f"BF-{vin}"}),
        ("dismantle", dismantler, {}),
    ]
    for minute, (kind, reporter, fields) in enumerate(steps):
        assert record(pack, kind, reporter, minutes=minute, **fields).ok, kind
    return pack


def test_a_handover_to_an_unqualified_receiver_is_recorded_with_a_warning(
    producer, maker, dismantler
):
    pack = _dismantled(producer, maker, dismantler)
    payload = {
        "code": pack.code,
        "kind": "handover",
        "occurred_at": an_hour_ago(10),
        "counterparty_uscc": maker.uscc,  # a vehicle producer without an outlet
    }
    response = key_client(dismantler).post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state_after"] == "handed_over"
    assert body["warnings"] == [
        {
            "index": None,
            "field": "counterparty_uscc",
            "code": "event.receiver_unqualified",
            "message": "接收方不是综合利用企业或生产企业的回收服务网点：移交已记录，"
            "将由监管部门审查。",
        }
    ]


def test_a_batch_lists_its_warnings_by_index(producer, maker, dismantler, utilizer):
    first, second = (_dismantled(producer, maker, dismantler) for _ in range(2))
    events = [
        {
            "code": pack.code,
            "kind": "receipt_confirm",
            "occurred_at": an_hour_ago(20),
            "counterparty_uscc": dismantler.uscc,
        }
        for pack in (first, second)
    ]
    response = key_client(utilizer).post(BATCH, {"events": events}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [e["state_after"] for e in body["events"]] == ["received", "received"]
    assert [(w["index"], w["code"]) for w in body["warnings"]] == [
        (0, "event.receipt_before_handover"),
        (1, "event.receipt_before_handover"),
    ]


def test_a_receipt_without_proof_is_answered_byte_for_byte_as_an_unknown_code(
    producer, maker, dismantler, utilizer
):
    from tests.batteries.builders import code_for

    pack = _dismantled(producer, maker, dismantler)
    never = code_for("T01")
    client = key_client(utilizer)

    def body(code: str) -> bytes:
        payload = {
            "code": code,
            "kind": "receipt_confirm",
            "occurred_at": an_hour_ago(20),
            "counterparty_uscc": maker.uscc,  # not the holder
        }
        response = client.post(URL, payload, format="json")
        assert response.status_code == 400
        return response.content.replace(code.encode(), b"CODE")

    assert body(pack.code) == body(never)
    assert b"event.unknown_code" in body(pack.code)


def test_a_scrap_naming_another_vin_is_answered_as_an_unknown_code(
    producer, maker, dismantler, rival
):
    from tests.batteries.builders import code_for

    (pack,) = packs_for(producer, 1)
    vin = new_vin()
    for minute, (kind, reporter, fields) in enumerate(
        [
            ("produce", producer, {}),
            ("deliver", producer, {"counterparty_uscc": maker.uscc}),
            ("install", maker, {"vin": vin}),
            ("sell", maker, {}),
        ]
    ):
        assert record(pack, kind, reporter, minutes=minute, **fields).ok
    (never,) = packs_for(rival, 1, mfr="T02")
    client = key_client(dismantler)

    def answer(code: str, named: str) -> bytes:
        payload = {
            "code": code,
            "kind": "scrap_vehicle",
            "occurred_at": an_hour_ago(10),
            "vin": named,
            "document_ref": "BF-API-9",
        }
        return client.post(URL, payload, format="json")

    other_vin, unregistered = new_vin(), code_for("T01")
    wrong, unknown = answer(pack.code, other_vin), answer(unregistered, other_vin)
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json()["errors"][0]["code"] == "event.unknown_code"
    assert wrong.content.replace(pack.code.encode(), b"C") == unknown.content.replace(
        unregistered.encode(), b"C"
    )
    right = answer(pack.code, vin)
    assert right.status_code == 201, right.content
    assert right.json()["vin"] == vin and right.json()["warnings"] == []
    assert never.state == "registered"


def test_the_givers_handover_reported_after_the_receipt_reconciles_the_pair(
    producer, maker, dismantler, utilizer
):
    from batteries.models import Handover

    pack = _dismantled(producer, maker, dismantler)
    receipt = {
        "code": pack.code,
        "kind": "receipt_confirm",
        "occurred_at": an_hour_ago(20),
        "counterparty_uscc": dismantler.uscc,
    }
    assert key_client(utilizer).post(URL, receipt, format="json").status_code == 201
    handover = {
        "code": pack.code,
        "kind": "handover",
        "occurred_at": an_hour_ago(10),
        "counterparty_uscc": utilizer.uscc,
    }

    response = key_client(dismantler).post(URL, handover, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state_after"], body["holder_after"]["uscc"], body["warnings"]) == (
        "received", utilizer.uscc, [],
    )  # fmt: skip
    assert Handover.objects.get(battery=pack).status == "confirmed"
