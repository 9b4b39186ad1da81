"""Events import: what counts as already recorded, and what is a duplicate to report.

A row already recorded by the same reporter (same pack, kind and time), through any channel,
is skipped as a duplicate: re-uploading a file, or uploading what a system already sent by
API, is safe. The same row twice in one file is an error of that file, whichever chunk the
second copy falls in.
"""

import datetime as dt

import pytest

from batteries.imports import events as events_import
from batteries.models import Battery, Channel, ImportBatch, LifecycleEvent
from batteries.services.events import EventInput, events_record
from tests.batteries.api.conftest import key_client
from tests.batteries.imports.files import EVENT_HEADER, code, csv_bytes, import_file

pytestmark = pytest.mark.django_db

P1, P2, P3 = code(serial=1), code(serial=2), code(serial=3)
BEIJING = dt.timezone(dt.timedelta(hours=8))
PRODUCED_AT = dt.datetime(2026, 4, 15, 9, 30, tzinfo=BEIJING)
DELIVERED_AT = dt.datetime(2026, 4, 16, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def packs(producer_user):
    rows = [[P1, "", "", ""], [P2, "", "", ""], [P3, "", "", ""]]
    assert import_file(producer_user, csv_bytes(rows)).rows_created == 3


def events_csv(rows: list[list]) -> bytes:
    return csv_bytes([row + [""] * (8 - len(row)) for row in rows], header=EVENT_HEADER)


def counters(batch: ImportBatch) -> tuple[int, int, int]:
    return batch.rows_created, batch.rows_duplicate, batch.rows_failed


def errors(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(e["row"], e["code"], e["message"]) for e in batch.error_sample]


# --- The same row twice in one file, in different chunks ------------------------------------


def test_a_row_repeated_in_a_later_chunk_is_reported_not_counted_as_recorded(
    packs, producer_user, monkeypatch
):
    monkeypatch.setattr(events_import, "CHUNK_SIZE", 2)
    rows = [
        [P1, "produce", "2026-04-15 09:30"],  # row 2, chunk 1
        [P2, "produce", "2026-04-15 09:30"],  # row 3, chunk 1
        [P3, "produce", "2026-04-15 09:30"],  # row 4, chunk 2
        [P1, "生产", "2026-04-15 09:30:00"],  # row 5, chunk 2: row 2 again
    ]

    batch = import_file(producer_user, events_csv(rows), kind="events")

    assert counters(batch) == (3, 0, 1)
    assert errors(batch) == [(5, "event.duplicate_in_file", "与前面的行重复。")]
    assert LifecycleEvent.objects.filter(kind="produce").count() == 3


def test_a_row_repeated_in_a_later_chunk_rejects_an_all_or_nothing_file(
    packs, producer_user, monkeypatch
):
    monkeypatch.setattr(events_import, "CHUNK_SIZE", 1)
    rows = [[P1, "produce", "2026-04-15 09:30"], [P1, "produce", "2026-04-15 09:30"]]

    batch = import_file(producer_user, events_csv(rows), kind="events", mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.REJECTED
    assert [(row, code) for row, code, _ in errors(batch)] == [(3, "event.duplicate_in_file")]
    assert not LifecycleEvent.objects.filter(kind="produce").exists()


def test_a_file_reimported_in_small_chunks_is_all_duplicates(packs, producer_user, monkeypatch):
    monkeypatch.setattr(events_import, "CHUNK_SIZE", 1)
    content = events_csv([[P1, "produce", "2026-04-15 09:30"], [P2, "produce", "2026-04-15 09:30"]])
    assert counters(import_file(producer_user, content, kind="events")) == (2, 0, 0)

    again = import_file(producer_user, content, kind="events")

    assert counters(again) == (0, 2, 0) and errors(again) == []


# --- Events first reported through another channel ------------------------------------------


def test_events_first_reported_on_the_web_are_recognised_on_import(
    packs, producer, producer_user, maker
):
    for kind, at, extra in [
        ("produce", PRODUCED_AT, {}),
        ("deliver", DELIVERED_AT, {"counterparty_uscc": maker.uscc}),
    ]:
        item = EventInput(code=P1, kind=kind, occurred_at=at, **extra)
        assert events_record(items=[item], reporter=producer, channel=Channel.WEB).ok
    rows = [
        [P1, "produce", "2026-04-15 09:30"],
        [P1, "deliver", "2026-04-16 10:00", maker.uscc],
        [P2, "produce", "2026-04-15 09:30"],  # new
    ]

    batch = import_file(producer_user, events_csv(rows), kind="events")

    assert counters(batch) == (1, 2, 0) and errors(batch) == []
    assert list(LifecycleEvent.objects.filter(battery__code=P1).values_list("kind", "channel")) == [
        ("register", "import"),
        ("produce", "web"),
        ("deliver", "web"),
    ]


def test_events_first_sent_through_the_api_are_recognised_on_import(packs, producer, producer_user):
    api = key_client(producer)
    for pack in (P1, P2):
        payload = {"code": pack, "kind": "produce", "occurred_at": PRODUCED_AT.isoformat()}
        response = api.post("/api/v1/events/", payload, format="json")
        assert response.status_code == 201, response.content
    rows = [[P1, "produce", "2026-04-15 09:30"], [P2, "生产", "2026-04-15 09:30:00"]]

    batch = import_file(producer_user, events_csv(rows), kind="events")

    assert counters(batch) == (0, 2, 0) and errors(batch) == []
    assert set(LifecycleEvent.objects.filter(kind="produce").values_list("channel", flat=True)) == {
        "api"
    }
    assert Battery.objects.get(code=P1).last_seq == 2


def test_the_same_kind_at_another_time_is_not_taken_for_the_recorded_event(
    packs, producer, producer_user
):
    item = EventInput(code=P1, kind="produce", occurred_at=PRODUCED_AT)
    assert events_record(items=[item], reporter=producer, channel=Channel.WEB).ok

    batch = import_file(
        producer_user, events_csv([[P1, "produce", "2026-04-15 09:31"]]), kind="events"
    )

    assert counters(batch) == (0, 0, 1)
    assert [(row, code) for row, code, _ in errors(batch)] == [(2, "event.state")]
