"""The scrapped-vehicle register import: MIIT uploads CSV or XLSX, valid rows go in once.

VINs and USCCs are built with the standards' check characters (common.identifiers); the
bad values below are wrong in one named way each. "Today" is the real day of the run, so
the future date is written relative to it; every other date is literal.
"""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from common.identifiers import make_uscc, make_vin
from enforcement.models import RegisterUpload, ScrapRegisterEntry
from enforcement.services.register import (
    SAMPLE_FILE,
    register_sample_load,
    register_upload_create,
    register_upload_run,
)
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

HEADER = ["车辆识别代号", "证明编号", "报废日期", "拆解企业统一社会信用代码"]
LIST = reverse("enforcement:register_list")


@pytest.fixture
def miit(db):
    return user_of("national")


@pytest.fixture
def dismantler(db):
    return enterprise_create(
        name="苏丙拆解有限公司", division="320506", seed=7002, roles=["dismantler"]
    )


def vin(n: int) -> str:
    return make_vin("LDC12345", f"R{n:07d}")


def wrong_check_digit(value: str) -> str:
    return value[:8] + ("0" if value[8] != "0" else "1") + value[9:]


def csv_bytes(rows: list[list], header=HEADER, encoding="utf-8-sig") -> bytes:
    lines = [",".join(header), *(",".join(str(cell) for cell in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list], header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell in sheet["C"][1:]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_and_run(user, name: str, content: bytes) -> RegisterUpload:
    """Upload through the service the page uses, then run the task's body."""
    upload = register_upload_create(user=user, upload=SimpleUploadedFile(name, content))
    assert register_upload_run(upload_id=upload.pk) == "done", upload.message
    upload.refresh_from_db()
    return upload


# --- Importing ---------------------------------------------------------------------------------


def test_a_csv_register_is_imported_with_the_dismantler_matched_by_its_uscc(
    client, miit, dismantler
):
    client.force_login(miit)
    content = csv_bytes(
        [
            [vin(1), "BF320520260901001", "2026-09-01", dismantler.uscc],
            [vin(2), "BF320520260902002", "2026-09-02", dismantler.uscc],
        ]
    )
    response = client.post(LIST, {"file": SimpleUploadedFile("9月登记.csv", content)})
    upload = RegisterUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:register_detail", args=[upload.pk])
    assert upload.status == "queued" and upload.rows_total == 2
    assert register_upload_run(upload_id=upload.pk) == "done"
    assert register_upload_run(upload_id=upload.pk) == "skipped"  # a second delivery
    upload.refresh_from_db()
    assert (upload.rows_created, upload.rows_duplicate, upload.rows_failed) == (2, 0, 0)
    assert list(
        ScrapRegisterEntry.objects.order_by("certificate_no").values_list(
            "vin", "certificate_no", "scrapped_on", "dismantler_id", "upload_id"
        )
    ) == [
        (vin(1), "BF320520260901001", dt.date(2026, 9, 1), dismantler.pk, upload.pk),
        (vin(2), "BF320520260902002", dt.date(2026, 9, 2), dismantler.pk, upload.pk),
    ]
    page = client.get(reverse("enforcement:register_detail", args=[upload.pk]))
    assert 'data-count="created">2<' in page.content.decode()


def test_an_xlsx_register_with_date_cells_and_english_headers_is_imported(miit, dismantler):
    header = ["vin", "certificate_no", "scrapped_on", "dismantler_uscc"]
    content = xlsx_bytes(
        [
            [vin(3), "BF320520260903003", dt.date(2026, 9, 3), dismantler.uscc],
            [vin(4), "BF320520260904004", "2026-09-04", dismantler.uscc],
        ],
        header=header,
    )
    upload = upload_and_run(miit, "register.xlsx", content)
    assert (upload.rows_created, upload.rows_failed) == (2, 0), upload.error_sample
    assert sorted(ScrapRegisterEntry.objects.values_list("scrapped_on", flat=True)) == [
        dt.date(2026, 9, 3),
        dt.date(2026, 9, 4),
    ]


def test_a_gb18030_csv_from_a_chinese_excel_is_read(miit, dismantler):
    content = csv_bytes(
        [[vin(5), "回收证明2026-005", "2026-09-05", dismantler.uscc]], encoding="gb18030"
    )
    upload = upload_and_run(miit, "register.csv", content)
    assert upload.rows_created == 1
    assert ScrapRegisterEntry.objects.get().certificate_no == "回收证明2026-005"


def test_certificates_already_in_the_register_are_counted_not_imported_twice(miit, dismantler):
    rows = [
        [vin(1), "BF001", "2026-09-01", dismantler.uscc],
        [vin(2), "BF002", "2026-09-02", dismantler.uscc],
    ]
    upload_and_run(miit, "first.csv", csv_bytes(rows))
    again = upload_and_run(
        miit,
        "second.csv",
        csv_bytes([*rows, [vin(3), "BF003", "2026-09-03", dismantler.uscc], rows[0]]),
    )
    assert (again.rows_created, again.rows_duplicate, again.rows_failed) == (1, 3, 0)
    assert ScrapRegisterEntry.objects.count() == 3
    assert (
        ScrapRegisterEntry.objects.get(certificate_no="BF001").upload.original_name == "first.csv"
    )


def test_a_certificate_number_reused_for_another_vehicle_is_an_error_of_that_row(miit, dismantler):
    upload_and_run(miit, "first.csv", csv_bytes([[vin(1), "BF001", "2026-09-01", dismantler.uscc]]))
    second = upload_and_run(
        miit,
        "second.csv",
        csv_bytes(
            [
                [vin(2), "BF001", "2026-09-02", dismantler.uscc],  # row 2: stored for vin(1)
                [vin(3), "BF003", "2026-09-03", dismantler.uscc],
                [vin(4), "BF003", "2026-09-04", dismantler.uscc],  # row 4: repeats row 3
            ]
        ),
    )
    assert (second.rows_created, second.rows_duplicate, second.rows_failed) == (1, 0, 2)
    assert [(e["row"], e["column"], e["code"]) for e in second.error_sample] == [
        (4, "证明编号", "certificate.repeated"),
        (2, "证明编号", "certificate.conflict"),
    ]
    assert f"登记的是车辆 {vin(1)}、报废日期 2026-09-01" in second.error_sample[1]["message"]
    assert "已在第 3 行出现" in second.error_sample[0]["message"]


def test_bad_rows_are_reported_with_row_and_column_and_the_valid_rows_still_go_in(
    client, miit, dismantler
):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    bad_uscc = dismantler.uscc[:-1] + ("0" if dismantler.uscc[-1] != "0" else "1")
    content = csv_bytes(
        [
            [vin(1), "BF001", "2026-09-01", dismantler.uscc],  # row 2: valid
            [wrong_check_digit(vin(2)), "BF002", "2026-09-02", dismantler.uscc],  # row 3
            [vin(3), "BF003", tomorrow, dismantler.uscc],  # row 4
            [vin(4), "BF004", "2010-12-31", dismantler.uscc],  # row 5
            [vin(5), "BF005", "2026/9/5", dismantler.uscc],  # row 6
            [vin(6), "BF006", "2026-09-06", bad_uscc],  # row 7
            [vin(7), "", "2026-09-07", dismantler.uscc],  # row 8
            [vin(8), "BF008", "2026-09-08", dismantler.uscc],  # row 9: valid
        ]
    )
    upload = upload_and_run(miit, "register.csv", content)
    assert (upload.rows_created, upload.rows_failed) == (2, 6)
    assert [(e["row"], e["column"], e["code"]) for e in upload.error_sample] == [
        (3, "车辆识别代号", "vin.check"),
        (4, "报废日期", "value.future"),
        (5, "报废日期", "value.too_early"),
        (6, "报废日期", "value.date"),
        (7, "拆解企业统一社会信用代码", "uscc.check"),
        (8, "证明编号", "value.required"),
    ]
    assert "早于 2011-01-01" in upload.error_sample[2]["message"]
    assert "YYYY-MM-DD" in upload.error_sample[3]["message"]
    assert sorted(ScrapRegisterEntry.objects.values_list("certificate_no", flat=True)) == [
        "BF001",
        "BF008",
    ]
    assert upload.message.startswith(
        "已导入有效行，错误行未导入。新增 2 行，已存在 0 行，错误 6 行。"
    )

    client.force_login(miit)
    text = client.get(reverse("enforcement:register_detail", args=[upload.pk])).content.decode()
    assert "已导入有效行，错误行未导入" in text
    assert '<tr data-row="3" data-code="vin.check"><td>3</td><td>车辆识别代号</td>' in text


def test_only_the_first_hundred_errors_are_kept_but_every_bad_row_is_counted(miit, dismantler):
    rows = [
        [wrong_check_digit(vin(n)), f"BF{n:04d}", "2026-09-01", dismantler.uscc] for n in range(130)
    ]
    upload = upload_and_run(miit, "register.csv", csv_bytes(rows))
    assert upload.rows_failed == 130
    assert len(upload.error_sample) == 100
    assert upload.error_sample[-1]["row"] == 101


def test_rows_naming_a_dismantler_not_in_the_portal_are_imported_and_counted(
    client, miit, dismantler
):
    unknown = make_uscc("320582", 8123)
    pending = enterprise_create(
        name="苏庚拆解有限公司", division="320583", roles=["dismantler"], status="pending"
    )
    upload = upload_and_run(
        miit,
        "register.csv",
        csv_bytes(
            [
                [vin(1), "BF001", "2026-09-01", dismantler.uscc],
                [vin(2), "BF002", "2026-09-02", unknown],
                [vin(3), "BF003", "2026-09-03", pending.uscc],
            ]
        ),
    )
    assert upload.rows_created == 3
    assert "其中 2 行所列拆解企业未在本平台登记或尚未获批准" in upload.message
    assert set(
        ScrapRegisterEntry.objects.filter(dismantler__isnull=True).values_list(
            "dismantler_uscc", flat=True
        )
    ) == {unknown, pending.uscc}
    client.force_login(miit)
    text = client.get(reverse("enforcement:register_detail", args=[upload.pk])).content.decode()
    assert 'data-count="unlinked">2<' in text

    pending.status = "approved"
    pending.save()
    later = upload_and_run(
        miit, "later.csv", csv_bytes([[vin(4), "BF004", "2026-09-04", dismantler.uscc]])
    )
    assert "另有 1 条此前导入的登记已关联到新获批准的拆解企业" in later.message
    assert ScrapRegisterEntry.objects.get(certificate_no="BF003").dismantler == pending


def test_a_file_missing_a_column_is_refused_at_upload_and_never_queued(client, miit):
    client.force_login(miit)
    content = csv_bytes([[vin(1), "BF001", "2026-09-01"]], header=HEADER[:3])
    response = client.post(LIST, {"file": SimpleUploadedFile("register.csv", content)})
    assert response.status_code == 400
    assert "缺少必填列：拆解企业统一社会信用代码" in response.content.decode()
    assert not RegisterUpload.objects.exists()


def test_the_upload_is_enqueued_on_the_imports_queue_after_commit(
    client, miit, django_capture_on_commit_callbacks
):
    from unittest import mock

    from config.celery import app

    client.force_login(miit)
    content = csv_bytes([[vin(1), "BF001", "2026-09-01", make_uscc("320506", 1)]])
    with (
        mock.patch("enforcement.tasks.register_import.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(LIST, {"file": SimpleUploadedFile("register.csv", content)})
    delay.assert_called_once_with(RegisterUpload.objects.get().pk)
    route = app.amqp.router.route({}, "enforcement.tasks.register_import")
    assert route["queue"].name == "imports"


def test_the_template_is_a_csv_with_a_bom_and_the_chinese_headers(client, miit):
    client.force_login(miit)
    response = client.get(reverse("enforcement:register_template"))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").splitlines()[0] == ",".join(HEADER)


def test_the_list_page_shows_each_upload_with_its_status(client, miit, dismantler):
    done = upload_and_run(
        miit, "九月.csv", csv_bytes([[vin(1), "BF001", "2026-09-01", dismantler.uscc]])
    )
    queued = register_upload_create(
        user=miit,
        upload=SimpleUploadedFile(
            "十月.csv", csv_bytes([[vin(2), "BF002", "2026-10-01", dismantler.uscc]])
        ),
    )
    client.force_login(miit)
    text = client.get(LIST).content.decode()
    assert (
        f'data-upload="{done.pk}"' in text and "九月.csv" in text and 'data-status="done"' in text
    )
    assert f'data-upload="{queued.pk}"' in text and 'data-status="queued"' in text
    assert 'hx-trigger="every 2s"' in text  # refreshes while one is still queued


# --- Who may import ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["provincial", "enterprise_admin"])
def test_only_miit_may_open_the_register_pages(client, miit, dismantler, kind):
    upload = upload_and_run(
        miit, "register.csv", csv_bytes([[vin(1), "BF001", "2026-09-01", dismantler.uscc]])
    )
    other = (
        user_of("provincial", province="32")
        if kind == "provincial"
        else user_of("enterprise_admin", enterprise=dismantler)
    )
    client.force_login(other)
    content = csv_bytes([[vin(2), "BF002", "2026-09-02", dismantler.uscc]])
    urls = [
        LIST,
        reverse("enforcement:register_detail", args=[upload.pk]),
        reverse("enforcement:register_status", args=[upload.pk]),
        reverse("enforcement:register_template"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(LIST, {"file": SimpleUploadedFile("r.csv", content)}).status_code == 403
    assert RegisterUpload.objects.count() == 1


def test_the_service_refuses_an_upload_by_a_provincial_regulator():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        register_upload_create(
            user=user_of("provincial", province="32"),
            upload=SimpleUploadedFile(
                "r.csv", csv_bytes([[vin(1), "BF001", "2026-09-01", make_uscc("320506", 1)]])
            ),
        )


# --- The demo's sample -------------------------------------------------------------------------


def test_the_sample_names_demo_vehicles_and_imports_with_one_bad_row_and_one_unknown_dismantler(
    miit,
):
    enterprise_create(
        name="江苏示例报废汽车回收拆解有限公司", division="320506", seed=7002, roles=["dismantler"]
    )
    text = SAMPLE_FILE.read_text(encoding="utf-8-sig")
    for index in (10, 11, 12, 13):
        assert make_vin("LDP31B96", f"N{index:07d}") in text
    upload = register_sample_load(miit)
    assert (upload.status, upload.rows_created, upload.rows_failed) == ("done", 7, 1)
    assert [(e["row"], e["column"]) for e in upload.error_sample] == [(9, "车辆识别代号")]
    assert ScrapRegisterEntry.objects.filter(dismantler__isnull=True).count() == 1
    scrapped = ScrapRegisterEntry.objects.filter(vin=make_vin("LDP31B96", "N0000010")).get()
    assert scrapped.scrapped_on == dt.date(2026, 9, 1)
    assert register_sample_load(miit) == upload  # the demo may call it again


def test_an_imported_certificate_makes_the_headline_scan_flag_a_pack_never_scrapped_in_the_portal(
    miit,
):
    from tests.enforcement.scenario import parties, scan, sold_pack

    p = parties()
    battery = sold_pack(p)
    row = [battery.vehicle.vin, "BF320520260901777", "2026-09-01", p.dismantler.uscc]
    upload_and_run(miit, "register.csv", csv_bytes([row]))
    [finding] = scan("2026-11-30", "scrapped_pack_not_handed_over")["scrapped_pack_not_handed_over"]
    assert (finding["subject"], finding["enterprise"]) == (battery.code, p.dismantler.uscc)
    # 15 working days after Tuesday 1 September 2026; Sunday 20 September is worked
    # (National Day make-up day): the last day allowed is Monday 21 September.
    assert (finding["anchor_date"], finding["deadline"]) == ("2026-09-01", "2026-09-21")
    assert finding["details"]["source"] == "register"
