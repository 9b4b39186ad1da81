"""The import screens: upload, progress (htmx partial and JSON), downloads, scoping."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from batteries.models import ImportBatch
from tests.batteries.imports.files import code, csv_bytes, import_file, upload
from tests.factories import enterprise_create, user_of
from tests.scoping import assert_sees_only

pytestmark = pytest.mark.django_db


def test_an_enterprise_user_uploads_a_file_and_lands_on_its_progress_page(
    client, producer_user, django_capture_on_commit_callbacks
):
    client.force_login(producer_user)
    content = csv_bytes([[code(serial=1), "", "", ""]])
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post(
            reverse("batteries:import_new"),
            {
                "kind": "packs",
                "mode": "all_or_nothing",
                "file": SimpleUploadedFile("批次一.csv", content),
            },
        )

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("batteries:import_detail", kwargs={"pk": batch.pk})
    assert (batch.status, batch.mode, batch.rows_total) == ("queued", "all_or_nothing", 1)
    assert batch.original_name == "批次一.csv" and len(enqueued) == 1
    page = client.get(response.url).content.decode()
    assert "有任何错误则全部不导入" in page and "排队中" in page
    assert 'hx-trigger="every 1s"' in page


def test_the_upload_page_explains_both_modes_and_offers_the_templates(client, producer_user):
    client.force_login(producer_user)

    body = client.get(reverse("batteries:import_list")).content.decode()

    assert "导入有效行，报告错误行" in body and "只要有一行错误，就不导入任何数据" in body
    assert reverse("batteries:import_template", kwargs={"kind": "events", "fmt": "xlsx"}) in body


def test_a_file_with_unknown_headers_is_refused_on_the_form_naming_them(client, producer_user):
    client.force_login(producer_user)
    content = csv_bytes([["x"]], header=["电池编码", "颜色"])

    response = client.post(
        reverse("batteries:import_new"),
        {"kind": "packs", "mode": "commit_valid", "file": SimpleUploadedFile("a.csv", content)},
    )

    assert response.status_code == 400
    assert "无法识别的列：颜色" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_pending_enterprise_cannot_upload(client, db):
    pending = enterprise_create(name="待审企业", seed=77, status="pending")
    user = user_of("enterprise_admin", enterprise=pending)
    client.force_login(user)

    assert "获批准后才能导入数据" in client.get(reverse("batteries:import_list")).content.decode()
    response = client.post(
        reverse("batteries:import_new"),
        {"kind": "events", "mode": "commit_valid", "file": SimpleUploadedFile("a.csv", b"x")},
    )
    assert response.status_code in {400, 403} and not ImportBatch.objects.exists()


def test_the_progress_endpoint_reports_rows_speed_and_time_left(client, producer_user):
    batch = upload(producer_user, csv_bytes([[code(serial=1), "", "", ""]]))
    started = timezone.now() - timedelta(seconds=10)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="running", started_at=started, rows_total=1000, rows_done=250
    )
    client.force_login(producer_user)
    url = reverse("batteries:import_progress", kwargs={"pk": batch.pk})

    data = client.get(url, HTTP_ACCEPT="application/json").json()
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert (data["status"], data["percent"], data["finished"]) == ("running", 25, False)
    assert 0 < data["rows_per_second"] <= 25 and data["eta_seconds"] >= 30
    assert 'value="25"' in partial and 'hx-trigger="every 1s"' in partial
    assert "已处理 250 / 1000 行" in partial and "行/秒" in partial and "预计剩余" in partial


def test_speed_and_time_left_are_computed_from_the_start_time():
    from batteries.imports.selectors import import_progress

    now = timezone.now()
    batch = ImportBatch(
        status="running", started_at=now - timedelta(seconds=10), rows_total=1000, rows_done=250
    )

    progress = import_progress(batch=batch, now=now)

    assert (progress.percent, progress.rows_per_second, progress.eta_seconds) == (25, 25, 31)


def test_a_finished_batch_stops_polling_and_shows_what_was_committed(client, producer_user):
    rows = [[code(serial=1), "", "", ""], ["bad", "", "", ""]]
    batch = import_file(producer_user, csv_bytes(rows))
    client.force_login(producer_user)

    partial = client.get(reverse("batteries:import_progress", kwargs={"pk": batch.pk}))
    body = partial.content.decode()

    assert "hx-trigger" not in body and 'data-percent="100"' in body
    assert "已提交：新增 1 行。0 行已存在，未重复导入。1 行有错误，未导入。" in body
    assert reverse("batteries:import_errors", kwargs={"pk": batch.pk}) in body
    assert "<td>3</td>" in body  # the bad row is row 3 of the spreadsheet


def test_the_error_report_downloads_as_a_csv_attachment(client, producer_user):
    batch = import_file(producer_user, csv_bytes([["bad", "", "", ""]]))
    client.force_login(producer_user)

    response = client.get(reverse("batteries:import_errors", kwargs={"pk": batch.pk}))

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    header = "\ufeff电池编码,上级编码,质量(kg),额定能量(Wh),处理结果,错误说明"
    assert content.startswith(header.encode())


@pytest.mark.parametrize("kind", ["packs", "events"])
def test_the_templates_download_with_chinese_headers_and_the_example_on_its_own_sheet(
    client, producer_user, kind
):
    client.force_login(producer_user)
    csv_url = reverse("batteries:import_template", kwargs={"kind": kind, "fmt": "csv"})
    xlsx_url = reverse("batteries:import_template", kwargs={"kind": kind, "fmt": "xlsx"})

    csv_body = client.get(csv_url).content
    workbook = load_workbook(io.BytesIO(client.get(xlsx_url).content))

    assert csv_body.startswith("\ufeff电池编码,".encode())
    assert len(csv_body.decode("utf-8-sig").strip().splitlines()) == 1  # the header only
    data = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(data) == 1 and data[0][0] == "电池编码"
    example = list(workbook["填写示例"].iter_rows(values_only=True))
    assert example[1][0].startswith("T01")  # our own manufacturer code
    assert "不会被导入" in example[3][0]


def test_a_template_uploaded_as_downloaded_imports_nothing(client, producer_user):
    client.force_login(producer_user)
    url = reverse("batteries:import_template", kwargs={"kind": "packs", "fmt": "xlsx"})

    batch = import_file(producer_user, client.get(url).content, name="模板.xlsx")

    assert batch.rows_created == 0 and batch.rows_failed == 0


def test_the_downloaded_template_imports_cleanly_once_filled(client, producer_user):
    client.force_login(producer_user)
    url = reverse("batteries:import_template", kwargs={"kind": "packs", "fmt": "xlsx"})
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    example = list(workbook["填写示例"].iter_rows(values_only=True))[1]
    workbook.worksheets[0].append(list(example))
    filled = io.BytesIO()
    workbook.save(filled)

    batch = import_file(producer_user, filled.getvalue(), name="模板.xlsx")

    assert batch.rows_created == 1 and batch.rows_failed == 0


def test_another_enterprise_can_neither_see_nor_download_an_import(
    client, producer_user, other_user, fujian_regulator
):
    mine = import_file(producer_user, csv_bytes([["bad", "", "", ""]]))
    theirs = import_file(other_user, csv_bytes([[code(mfr="K07", serial=1), "", "", ""]]))
    client.force_login(other_user)

    for name in ("import_detail", "import_progress", "import_errors"):
        response = client.get(reverse(f"batteries:{name}", kwargs={"pk": mine.pk}))
        assert response.status_code == 404, name
    listing = client.get(reverse("batteries:import_list")).content.decode()
    assert reverse("batteries:import_detail", kwargs={"pk": mine.pk}) not in listing
    from batteries.imports.selectors import import_list

    assert_sees_only(import_list(user=other_user), [theirs], [mine])
    # The producer is in Fujian (35), the other producer in Jiangsu (32).
    assert_sees_only(import_list(user=fujian_regulator), [mine], [theirs])


def test_a_regulator_views_imports_in_scope_read_only(client, producer_user, fujian_regulator):
    batch = import_file(producer_user, csv_bytes([["bad", "", "", ""]]))
    client.force_login(fujian_regulator)

    listing = client.get(reverse("batteries:import_list")).content.decode()
    detail = client.get(reverse("batteries:import_detail", kwargs={"pk": batch.pk}))

    assert f"#{batch.pk}" in listing and "上传并导入" not in listing
    assert detail.status_code == 200
    assert client.get(reverse("batteries:import_new")).status_code == 403
