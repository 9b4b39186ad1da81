"""Scrapped-vehicles import, and rows recorded with a warning, in every import kind."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from batteries.models import ImportBatch, LifecycleEvent, ScrappedVehicle, State
from common.identifiers import make_vin
from tests.batteries.builders import pack_create, record
from tests.batteries.imports.files import (
    EVENT_HEADER,
    csv_bytes,
    import_file,
    report_rows,
    upload,
    xlsx_bytes,
)
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

SCRAP_HEADER = [
    "车辆识别代号",
    "报废机动车回收证明编号",
    "报废回收时间",
    "到场电池编码",
    "电池缺失",
    "换电车型",
    "备注",
]
UNKNOWN_VIN = make_vin("LDC12345", "R0000888")
# Beijing time, after the packs were sold (two hours ago) and before now.
_SCRAPPED = timezone.localtime() - dt.timedelta(minutes=30)
WHEN = _SCRAPPED.strftime("%Y-%m-%d %H:%M")
WHEN_ISO = _SCRAPPED.replace(second=0, microsecond=0).isoformat()


@pytest.fixture
def dismantler(db):
    return enterprise_create(
        name="丁拆解有限公司", division="320506", seed=14, roles=["dismantler"]
    )


@pytest.fixture
def dismantler_user(dismantler):
    return user_of("enterprise_operator", enterprise=dismantler)


_vins = iter(range(500, 10_000))


def sold_vehicle(producer, maker, packs: int = 1):
    vin = make_vin("LDC12345", f"R{next(_vins):07d}")
    batteries = [pack_create(producer) for _ in range(packs)]
    for pack in batteries:
        steps = [
            ("produce", producer, {}),
            ("deliver", producer, {"counterparty_uscc": maker.uscc}),
            ("install", maker, {"vin": vin}),
            ("sell", maker, {}),
        ]
        for minute, (kind, reporter, fields) in enumerate(steps):
            assert record(pack, kind, reporter, minutes=minute - 120, **fields).ok
    return vin, batteries


def scrap_csv(rows: list[list]) -> bytes:
    return csv_bytes([row + [""] * (7 - len(row)) for row in rows], header=SCRAP_HEADER)


def by_row(batch: ImportBatch) -> dict[int, list[tuple]]:
    rows: dict[int, list[tuple]] = {}
    for entry in batch.error_sample:
        rows.setdefault(entry["row"], []).append(
            (entry.get("level", "error"), entry["field"], entry["code"])
        )
    return rows


def test_a_dismantler_imports_scrapped_vehicles_with_errors_and_warnings_by_row(
    producer, maker, dismantler, dismantler_user
):
    whole, (w1,) = sold_vehicle(producer, maker)
    half, (h1, h2) = sold_vehicle(producer, maker, packs=2)
    elsewhere, (other,) = sold_vehicle(producer, maker)
    rows = [
        [whole, "BF-1", WHEN],  # 2 every bound pack arrived
        [half, "BF-2", WHEN, h1.code, "否", "否", "一个电池包缺失"],  # 3 partial
        [UNKNOWN_VIN, "BF-3", WHEN_ISO, "", "是"],  # 4 unknown VIN, missing
        ["LDC123", "BF-4", WHEN],  # 5 malformed VIN
        [elsewhere, "BF-5", WHEN, h2.code],  # 6 a pack bound elsewhere
        [elsewhere, "BF-1", WHEN],  # 7 certificate of row 2
        [elsewhere, "BF-7", WHEN, "", "也许"],  # 8 not a yes/no
        [elsewhere, "BF-8", "15/04/2026"],  # 9 time in an unknown format
    ]

    batch = import_file(dismantler_user, scrap_csv(rows), name="报废.csv", kind="scrapped")

    assert batch.status == ImportBatch.Status.DONE
    assert (batch.rows_created, batch.rows_failed, batch.rows_warned) == (3, 5, 2)
    assert by_row(batch) == {
        3: [("warning", "到场电池编码", "scrap.pack_missing")],
        4: [
            ("warning", "车辆识别代号", "scrap.vehicle_unknown"),
            ("warning", "到场电池编码", "scrap.pack_missing"),
        ],
        5: [("error", "车辆识别代号", "vin.length")],
        6: [("error", "到场电池编码", "scrap.pack_not_bound")],
        7: [("error", "报废机动车回收证明编号", "scrap.duplicate_in_file")],
        8: [("error", "电池缺失", "value.yes_no")],
        9: [("error", "报废回收时间", "value.time")],
    }
    statuses = dict(ScrappedVehicle.objects.values_list("certificate_no", "pack_status"))
    assert statuses == {"BF-1": "arrived", "BF-2": "partial", "BF-3": "missing"}
    record_ = ScrappedVehicle.objects.get(certificate_no="BF-2")
    assert (record_.channel, record_.import_batch, record_.note) == (
        "import",
        batch,
        "一个电池包缺失",
    )
    w1.refresh_from_db()
    assert w1.state == State.VEHICLE_SCRAPPED
    event = w1.events.get(kind="scrap_vehicle")
    assert (event.channel, event.import_batch_id, event.document_ref) == (
        "import",
        batch.pk,
        "BF-1",
    )
    assert timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M") == WHEN
    other.refresh_from_db()
    assert other.state == State.SOLD


def test_the_report_marks_rows_recorded_with_a_warning_apart_from_rows_not_imported(
    producer, maker, dismantler_user
):
    vin, (pack,) = sold_vehicle(producer, maker)
    rows = [[vin, "BF-1", WHEN, "", "是"], ["LDC123", "BF-2", WHEN]]

    batch = import_file(dismantler_user, scrap_csv(rows), kind="scrapped")

    report = report_rows(batch)
    assert report[0][-1] == "处理结果"
    assert [(r[0], r[2], r[5]) for r in report[1:]] == [
        ("2", "scrap.pack_missing", "提示，已记录"),
        ("3", "vin.length", "错误，未导入"),
    ]


def test_codes_may_be_separated_by_semicolons_commas_enumeration_marks_or_spaces(
    producer, maker, dismantler_user
):
    vin, packs = sold_vehicle(producer, maker, packs=4)
    codes = f"{packs[0].code}；{packs[1].code}, {packs[2].code}、{packs[3].code.lower()}"

    batch = import_file(dismantler_user, scrap_csv([[vin, "BF-1", WHEN, codes]]), kind="scrapped")

    assert (batch.rows_created, batch.rows_failed, batch.rows_warned) == (1, 0, 0)
    assert ScrappedVehicle.objects.get().pack_status == "arrived"
    assert LifecycleEvent.objects.filter(kind="scrap_vehicle").count() == 4


def test_a_swap_model_declared_in_a_spreadsheet_is_recorded_without_a_warning(
    producer, maker, dismantler_user, xlsx_reader
):
    vin, _ = sold_vehicle(producer, maker)
    rows = [[vin, "BF-1", WHEN, None, "否", "是", None]]

    batch = import_file(
        dismantler_user, xlsx_bytes(rows, header=SCRAP_HEADER), name="报废.xlsx", kind="scrapped"
    )

    assert (batch.rows_created, batch.rows_warned) == (1, 0)
    assert ScrappedVehicle.objects.get().pack_status == "swap_pool"


def test_reimporting_a_scrapped_vehicles_file_records_nothing_twice(dismantler_user):
    content = scrap_csv([[UNKNOWN_VIN, "BF-1", WHEN, "", "是"]])
    import_file(dismantler_user, content, kind="scrapped")

    again = import_file(dismantler_user, content, kind="scrapped")

    assert (again.rows_created, again.rows_duplicate, again.rows_failed) == (0, 1, 0)
    assert ScrappedVehicle.objects.count() == 1


def test_all_or_nothing_records_no_vehicle_when_one_row_is_refused(
    producer, maker, dismantler_user
):
    vin, (pack,) = sold_vehicle(producer, maker)
    rows = [[vin, "BF-1", WHEN], [UNKNOWN_VIN, "BF-2", WHEN, "", "是"]]
    bad = rows + [["LDC123", "BF-3", WHEN]]

    rejected = import_file(dismantler_user, scrap_csv(bad), kind="scrapped", mode="all_or_nothing")

    assert rejected.status == ImportBatch.Status.REJECTED
    assert (rejected.rows_created, rejected.rows_warned, rejected.rows_failed) == (0, 0, 1)
    assert [e.get("level", "error") for e in rejected.error_sample] == ["error"]
    assert not ScrappedVehicle.objects.exists()
    pack.refresh_from_db()
    assert pack.state == State.SOLD

    done = import_file(dismantler_user, scrap_csv(rows), kind="scrapped", mode="all_or_nothing")

    assert done.status == ImportBatch.Status.DONE
    assert (done.rows_created, done.rows_warned) == (2, 1)
    assert [(e["row"], e["level"]) for e in done.error_sample] == [(3, "warning"), (3, "warning")]


def test_only_a_dismantler_may_upload_a_scrapped_vehicles_file(producer_user):
    with pytest.raises(PermissionDenied):
        upload(producer_user, scrap_csv([[UNKNOWN_VIN, "BF-1", WHEN]]), kind="scrapped")
    assert not ImportBatch.objects.exists()


def test_the_scrapped_vehicles_template_downloads_with_its_headers(client, dismantler_user):
    client.force_login(dismantler_user)
    csv_url = reverse("batteries:import_template", kwargs={"kind": "scrapped", "fmt": "csv"})
    xlsx_url = reverse("batteries:import_template", kwargs={"kind": "scrapped", "fmt": "xlsx"})

    csv_body = client.get(csv_url).content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(client.get(xlsx_url).content))

    assert csv_body.splitlines() == [",".join(SCRAP_HEADER)]
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert [list(row) for row in rows] == [SCRAP_HEADER]
    example = list(workbook["填写示例"].iter_rows(values_only=True))
    assert list(example[0]) == SCRAP_HEADER and example[1][0] == "LDC123452R0000001"
    page = client.get(reverse("batteries:import_list")).content.decode()
    assert csv_url in page and "报废车辆回收" in page


def test_the_import_page_counts_rows_recorded_with_a_warning(client, dismantler_user):
    content = scrap_csv([[UNKNOWN_VIN, "BF-1", WHEN, "", "是"]])
    batch = import_file(dismantler_user, content, kind="scrapped")
    client.force_login(dismantler_user)

    body = client.get(reverse("batteries:import_detail", kwargs={"pk": batch.pk})).content.decode()

    assert '<strong data-count="warned">1</strong>已记录但有提示' in body
    assert "其中 1 行已记录但有提示" in body and "提示，已记录" in body
    assert "下载待修改的行" in body
    progress = client.get(
        reverse("batteries:import_progress", kwargs={"pk": batch.pk}),
        HTTP_ACCEPT="application/json",
    ).json()
    assert progress["rows_warned"] == 1


# --- Events recorded with a warning ------------------------------------------------------------


def test_an_events_file_records_a_handover_to_an_unqualified_receiver_and_counts_its_warning(
    producer, maker, dismantler, dismantler_user
):
    vin, (pack,) = sold_vehicle(producer, maker)
    assert record(pack, "scrap_vehicle", dismantler, minutes=-60, vin=vin, document_ref="BF-E").ok
    assert record(pack, "dismantle", dismantler, minutes=-59).ok
    repair = enterprise_create(name="戊维修", division="310115", seed=41, roles=["repair_shop"])
    rows = [[pack.code, "移交", WHEN, repair.uscc]]
    content = csv_bytes([row + [""] * (8 - len(row)) for row in rows], header=EVENT_HEADER)

    batch = import_file(dismantler_user, content, kind="events")

    assert (batch.rows_created, batch.rows_failed, batch.rows_warned) == (1, 0, 1)
    assert by_row(batch) == {
        2: [("warning", "对方企业统一社会信用代码", "event.receiver_unqualified")]
    }
    assert report_rows(batch)[1][5] == "提示，已记录"
    pack.refresh_from_db()
    assert pack.state == State.HANDED_OVER


def test_an_events_file_records_a_receipt_before_its_handover_and_the_handover_closes_it(
    producer, maker, dismantler, dismantler_user
):
    from batteries.models import Handover

    vin, (pack,) = sold_vehicle(producer, maker)
    assert record(pack, "scrap_vehicle", dismantler, minutes=-60, vin=vin, document_ref="BF-R").ok
    assert record(pack, "dismantle", dismantler, minutes=-59).ok
    utilizer = enterprise_create(name="戊综合利用", division="430181", seed=42, roles=["utilizer"])
    utilizer_user = user_of("enterprise_operator", enterprise=utilizer)
    received = (timezone.localtime() - dt.timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M")
    receipt = [[pack.code, "receipt_confirm", received, dismantler.uscc] + [""] * 4]

    first = import_file(utilizer_user, csv_bytes(receipt, header=EVENT_HEADER), kind="events")

    assert (first.rows_created, first.rows_warned) == (1, 1)
    assert by_row(first) == {
        2: [("warning", "对方企业统一社会信用代码", "event.receipt_before_handover")]
    }
    assert Handover.objects.get(battery=pack).status == "awaiting_giver"
    handover = [[pack.code, "handover", WHEN, utilizer.uscc] + [""] * 4]  # before the receipt

    second = import_file(dismantler_user, csv_bytes(handover, header=EVENT_HEADER), kind="events")

    assert (second.rows_created, second.rows_failed, second.rows_warned) == (1, 0, 0)
    assert Handover.objects.get(battery=pack).status == "confirmed"
    pack.refresh_from_db()
    assert (pack.state, pack.holder) == (State.RECEIVED, utilizer)
