"""Idempotency-Key: a retry returns the first response and writes nothing, even concurrently."""

import threading

import pytest
from django.db import connection, transaction

from batteries.models import Battery, IdempotencyKey, LifecycleEvent
from batteries.services.idempotency import idempotency_claim, idempotency_store
from tests.batteries.api.conftest import an_hour_ago, key_client, packs_for
from tests.batteries.builders import code_for

pytestmark = pytest.mark.django_db

PACKS = "/api/v1/packs/"
BATCH = "/api/v1/events/batch"


def post(client, url: str, payload: dict, key: str):
    return client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_returns_the_first_response_and_registers_nothing_more(producer, producer_api):
    payload = {"packs": [{"code": code_for("T01")}, {"code": code_for("T01")}]}
    first = post(producer_api, PACKS, payload, "c0ffee-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    retry = post(producer_api, PACKS, payload, "c0ffee-1")
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert Battery.objects.count() == 2 and LifecycleEvent.objects.count() == 2


def test_a_retried_batch_of_events_writes_nothing_the_second_time(producer, producer_api):
    packs = packs_for(producer, 3)
    events = [{"code": p.code, "kind": "produce", "occurred_at": an_hour_ago()} for p in packs]
    first = post(producer_api, BATCH, {"events": events}, "batch-7")
    retry = post(producer_api, BATCH, {"events": events}, "batch-7")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert LifecycleEvent.objects.filter(kind="produce").count() == 3


def test_the_same_key_with_a_different_body_gets_422_and_writes_nothing(producer, producer_api):
    post(producer_api, PACKS, {"packs": [{"code": code_for("T01")}]}, "k-1")
    other = post(producer_api, PACKS, {"packs": [{"code": code_for("T01")}]}, "k-1")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    assert Battery.objects.count() == 1


def test_the_same_key_on_another_endpoint_gets_422(producer, producer_api):
    (pack,) = packs_for(producer, 1)
    event = {"code": pack.code, "kind": "produce", "occurred_at": an_hour_ago()}
    assert post(producer_api, "/api/v1/events/", event, "k-2").status_code == 201
    assert post(producer_api, BATCH, {"events": [event]}, "k-2").status_code == 422


def test_a_rejected_request_is_replayed_too_so_a_retry_cannot_half_succeed(producer, producer_api):
    payload = {"packs": [{"code": code_for("T01")}, {"code": "bad"}]}
    first = post(producer_api, PACKS, payload, "k-3")
    assert first.status_code == 400
    retry = post(producer_api, PACKS, payload, "k-3")
    assert retry.status_code == 400 and retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true" and not Battery.objects.exists()


def test_keys_belong_to_one_enterprise(producer, rival, producer_api, rival_api):
    mine = post(producer_api, PACKS, {"packs": [{"code": code_for("T01")}]}, "shared")
    theirs = post(rival_api, PACKS, {"packs": [{"code": code_for("T02")}]}, "shared")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


def test_a_second_key_of_the_same_enterprise_sees_the_stored_response(producer, producer_api):
    payload = {"packs": [{"code": code_for("T01")}]}
    first = post(producer_api, PACKS, payload, "k-4")
    retry = post(key_client(producer), PACKS, payload, "k-4")
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["", "x" * 129, "含中文"])
def test_an_unusable_key_gets_400(producer_api, key):
    response = post(producer_api, PACKS, {"packs": [{"code": code_for("T01")}]}, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Battery.objects.exists()


def test_forbidden_requests_store_no_key(maker_api):
    response = post(maker_api, PACKS, {"packs": [{"code": code_for("T01")}]}, "k-5")
    assert response.status_code == 403 and not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_claim_waits_for_the_first_and_then_replays_it(producer):
    """The second claim blocks on the unique key until the first transaction commits."""
    outcome: dict = {}

    def second_request() -> None:
        try:
            with transaction.atomic():
                outcome["claim"] = idempotency_claim(
                    enterprise=producer, key="race", request_hash="h"
                )
        finally:
            connection.close()

    with transaction.atomic():
        claim = idempotency_claim(enterprise=producer, key="race", request_hash="h")
        assert claim.key_id is not None
        waiting = threading.Thread(target=second_request)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive(), "the second claim must wait for the first transaction"
        idempotency_store(key_id=claim.key_id, response_status=201, response_body={"ok": 1})
    waiting.join(timeout=10)
    second = outcome["claim"]
    assert second.key_id is None and not second.conflict
    assert (second.stored.response_status, second.stored.response_body) == (201, {"ok": 1})


@pytest.mark.django_db(transaction=True)
def test_a_claim_proceeds_when_the_first_request_rolled_back(producer):
    outcome: dict = {}

    def second_request() -> None:
        try:
            with transaction.atomic():
                outcome["claim"] = idempotency_claim(
                    enterprise=producer, key="race", request_hash="h"
                )
        finally:
            connection.close()

    waiting = threading.Thread(target=second_request)
    with transaction.atomic():
        idempotency_claim(enterprise=producer, key="race", request_hash="h")
        waiting.start()
        waiting.join(timeout=1)
        transaction.set_rollback(True)  # e.g. the first request failed with a 500
    waiting.join(timeout=10)
    assert outcome["claim"].key_id is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_write_once(producer):
    packs = packs_for(producer, 50)
    events = [{"code": p.code, "kind": "produce", "occurred_at": an_hour_ago()} for p in packs]
    clients = [key_client(producer), key_client(producer)]
    start, responses = threading.Barrier(2), []

    def send(client) -> None:
        try:
            start.wait()
            responses.append(post(client, BATCH, {"events": events}, "same-batch"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert LifecycleEvent.objects.filter(kind="produce").count() == 50
