"""Events import: packs move along their life cycle through the same service as the API."""

import io

import pytest

from batteries.models import Battery, ImportBatch, LifecycleEvent, State
from batteries.services.chain import chain_verify
from tests.batteries.imports.files import EVENT_HEADER, code, csv_bytes, import_file

pytestmark = pytest.mark.django_db

P1, P2, UNKNOWN = code(serial=1), code(serial=2), code(serial=3)


@pytest.fixture
def packs(producer_user):
    rows = [[P1, "", "", ""], [P2, "", "", ""]]
    assert import_file(producer_user, csv_bytes(rows)).rows_created == 2


def events_csv(rows: list[list]) -> bytes:
    return csv_bytes([row + [""] * (8 - len(row)) for row in rows], header=EVENT_HEADER)


def mixed_events(maker) -> list[list]:
    return [
        [P1, "生产", "2026-04-15 09:30"],  # 2 produce, by Chinese label, Beijing time
        [P1, "deliver", "2026-04-16T10:00:00+08:00", maker.uscc],  # 3 code + ISO with offset
        [P2, "produce", "2026/4/15 09:30:05"],  # 4
        [P2, "sell", "2026-04-15 10:00"],  # 5 a produced pack cannot be sold
        [UNKNOWN, "produce", "2026-04-15 09:30"],  # 6 code never registered
        [P1, "飞行", "2026-04-17 09:30"],  # 7 no such event type
        [P2, "deliver", "15/04/2026"],  # 8 time in an unknown format
        [P2, "deliver", "2026-04-16 10:00", "91350000MA0000000X"],  # 9 unknown counterparty
    ]


def test_it_moves_packs_along_and_reports_refused_rows_by_row_and_column(
    packs, producer_user, maker
):
    batch = import_file(producer_user, events_csv(mixed_events(maker)), kind="events")

    assert batch.status == ImportBatch.Status.DONE
    assert (batch.rows_created, batch.rows_duplicate, batch.rows_failed) == (3, 0, 5)
    first, second = Battery.objects.get(code=P1), Battery.objects.get(code=P2)
    assert first.state == State.DELIVERED and first.holder == maker
    assert second.state == State.PRODUCED
    assert {e["row"]: (e["field"], e["code"]) for e in batch.error_sample} == {
        5: ("事件类型", "event.state"),
        6: ("电池编码", "event.unknown_code"),
        7: ("事件类型", "event.kind"),
        8: ("发生时间", "value.time"),
        9: ("对方企业统一社会信用代码", "event.counterparty_unknown"),
    }
    produce = first.events.get(kind="produce")
    assert produce.channel == "import" and produce.import_batch_id == batch.pk
    assert produce.occurred_at.isoformat() == "2026-04-15T01:30:00+00:00"
    assert chain_verify(first).ok and chain_verify(second).ok


def test_reimporting_an_events_file_records_nothing_twice(packs, producer_user, maker):
    content = events_csv(
        [[P1, "produce", "2026-04-15 09:30"], [P1, "deliver", "2026-04-16 10:00", maker.uscc]]
    )
    import_file(producer_user, content, kind="events")

    again = import_file(producer_user, content, kind="events")

    assert (again.rows_created, again.rows_duplicate, again.rows_failed) == (0, 2, 0)
    assert LifecycleEvent.objects.filter(kind__in=["produce", "deliver"]).count() == 2


def test_the_same_event_twice_in_one_file_is_reported_not_recorded_twice(packs, producer_user):
    rows = [[P1, "produce", "2026-04-15 09:30"], [P1, "生产", "2026-04-15 09:30:00"]]

    batch = import_file(producer_user, events_csv(rows), kind="events")

    assert (batch.rows_created, batch.rows_failed) == (1, 1)
    assert batch.error_sample[0]["row"] == 3
    assert batch.error_sample[0]["message"] == "与第 2 行重复。"


def test_all_or_nothing_rolls_back_every_event_when_one_row_is_refused(packs, producer_user, maker):
    batch = import_file(
        producer_user, events_csv(mixed_events(maker)), kind="events", mode="all_or_nothing"
    )

    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.rows_created == 0 and batch.rows_failed == 5
    assert not LifecycleEvent.objects.exclude(kind="register").exists()
    assert Battery.objects.get(code=P1).state == State.REGISTERED


def test_all_or_nothing_applies_later_rows_on_top_of_earlier_ones(packs, producer_user, maker):
    rows = [[P1, "produce", "2026-04-15 09:30"], [P1, "deliver", "2026-04-16 10:00", maker.uscc]]

    batch = import_file(producer_user, events_csv(rows), kind="events", mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.DONE and batch.rows_created == 2
    assert Battery.objects.get(code=P1).holder == maker


def test_all_or_nothing_refuses_an_events_file_above_the_row_cap(packs, producer_user, monkeypatch):
    from batteries.imports import events

    monkeypatch.setattr(events, "ALL_OR_NOTHING_LIMIT", 2)
    rows = [[P1, "produce", "2026-04-15 09:30"]] * 3

    batch = import_file(producer_user, events_csv(rows), kind="events", mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.REJECTED
    assert "最多 2 行" in batch.message and batch.rows_created == 0
    assert not LifecycleEvent.objects.filter(kind="produce").exists()


def test_register_and_void_cannot_be_imported_as_events(packs, producer_user):
    rows = [[P1, "register", "2026-04-15 09:30"], [P1, "更正（作废前一事件）", "2026-04-15 09:30"]]

    batch = import_file(producer_user, events_csv(rows), kind="events")

    assert [e["code"] for e in batch.error_sample] == ["event.kind_not_importable"] * 2


def test_spreadsheet_times_are_read_as_beijing_time(packs, producer_user, xlsx_reader):
    from datetime import datetime

    from tests.batteries.imports.files import xlsx_bytes

    excel_time = datetime(2026, 4, 15, 9, 30)  # noqa: DTZ001  (Excel cells carry no zone)
    rows = [[P1, "生产", excel_time, None, None, None, None, None]]

    batch = import_file(
        producer_user, xlsx_bytes(rows, header=EVENT_HEADER), name="事件.xlsx", kind="events"
    )

    assert batch.rows_created == 1
    produce = Battery.objects.get(code=P1).events.get(kind="produce")
    assert produce.occurred_at.isoformat() == "2026-04-15T01:30:00+00:00"


def test_a_spreadsheet_date_without_a_time_is_refused_by_either_reader(
    packs, producer_user, xlsx_reader
):
    from datetime import date

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(EVENT_HEADER)
    sheet.append([P1, "生产", date(2026, 4, 15), None, None, None, None, None])
    sheet["C2"].number_format = "yyyy-mm-dd"
    content = io.BytesIO()
    workbook.save(content)

    batch = import_file(producer_user, content.getvalue(), name="事件.xlsx", kind="events")

    assert (batch.rows_created, batch.rows_failed) == (0, 1)
    assert batch.error_sample[0]["code"] == "value.time"
