"""The error report a clerk corrects and uploads again: the file's own rows and columns, plus
what happened to each row and what is wrong with it, in the reader's language."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from batteries.models import Battery, ImportBatch
from tests.batteries.imports.files import PACK_HEADER, code, csv_bytes, import_file, xlsx_bytes
from tests.batteries.imports.test_scrapped import SCRAP_HEADER, WHEN, scrap_csv, sold_vehicle
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

HEADER = [*PACK_HEADER, "处理结果", "错误说明"]
BAD_TYPE = "T01XB01A1B2C3DG4F0000002"  # position 4: product type X does not exist


@pytest.fixture(autouse=True)
def language_restored():
    with translation.override(translation.get_language()):
        yield


def rows():
    return [
        [code(serial=1), "", "450", "60000"],  # 2 good
        [BAD_TYPE, "", "", ""],  # 3 bad code
        [code(serial=4), "", "abc", ""],  # 4 mass is not a number
    ]


def download(client, batch: ImportBatch) -> list[list[str]]:
    response = client.get(reverse("batteries:import_errors", kwargs={"pk": batch.pk}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf"), "Excel on Chinese Windows needs the BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_report_holds_the_rows_as_uploaded_with_an_outcome_and_the_problems(
    client, producer_user
):
    batch = import_file(producer_user, csv_bytes(rows()))
    client.force_login(producer_user)

    lines = download(client, batch)

    assert lines[0] == HEADER
    assert [line[:4] for line in lines[1:]] == [
        [BAD_TYPE, "", "", ""],
        [code(serial=4), "", "abc", ""],
    ]
    assert {line[4] for line in lines[1:]} == {"错误，未导入"}
    assert "电池编码：" in lines[1][5] and "第4位产品类型代码“X”无效" in lines[1][5]
    assert lines[2][5] == "质量(kg)：应为正整数。"
    text = "\n".join(",".join(line) for line in lines)
    assert "value.integer" not in text and "code.product_type" not in text


def test_the_corrected_report_uploads_again_as_it_is(client, producer_user):
    batch = import_file(producer_user, csv_bytes(rows()))
    client.force_login(producer_user)
    lines = download(client, batch)
    lines[1][0] = code(serial=3)  # the clerk fixes the code …
    lines[2][2] = "450"  # … and the mass, and leaves the added columns as they are

    again = import_file(producer_user, csv_bytes(lines[1:], header=lines[0]))

    assert again.status == ImportBatch.Status.DONE
    assert (again.rows_created, again.rows_failed) == (2, 0)
    assert Battery.objects.get(code=code(serial=4)).mass_kg == 450


def test_an_all_or_nothing_file_comes_back_whole(client, producer_user):
    batch = import_file(producer_user, csv_bytes(rows()), mode="all_or_nothing")
    client.force_login(producer_user)

    lines = download(client, batch)

    assert [line[0] for line in lines[1:]] == [code(serial=1), BAD_TYPE, code(serial=4)]
    assert lines[1][4:] == ["未导入（文件中其他行有错误）", ""]
    assert lines[2][4] == "错误，未导入"


def test_an_xlsx_upload_gets_an_xlsx_report(client, producer_user):
    batch = import_file(producer_user, xlsx_bytes(rows()), name="packs.xlsx")
    client.force_login(producer_user)

    response = client.get(reverse("batteries:import_errors", kwargs={"pk": batch.pk}))
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))

    assert ".xlsx" in response["Content-Disposition"]
    assert list(values[0]) == HEADER
    assert values[1][0] == BAD_TYPE and values[2][2] == "abc" and values[2][4] == "错误，未导入"


def test_rows_recorded_with_a_warning_say_so_apart_from_the_errors(client, producer, maker):
    dismantler = enterprise_create(name="丁拆解有限公司", division="320506", roles=["dismantler"])
    clerk = user_of("enterprise_operator", enterprise=dismantler)
    half, (first, _second) = sold_vehicle(producer, maker, packs=2)
    lines_in = [
        [half, "BF-21", WHEN, first.code],  # 2 recorded: one pack missing
        ["LDC123", "BF-22", WHEN],  # 3 malformed VIN
    ]
    batch = import_file(clerk, scrap_csv(lines_in), name="报废.csv", kind="scrapped")
    client.force_login(clerk)

    lines = download(client, batch)

    assert lines[0] == [*SCRAP_HEADER, "处理结果", "错误说明"]
    outcomes = {line[1]: line[7] for line in lines[1:]}
    assert outcomes == {"BF-21": "提示，已记录", "BF-22": "错误，未导入"}


def test_the_report_speaks_the_readers_language(client, producer_user):
    batch = import_file(producer_user, csv_bytes(rows()))
    client.force_login(producer_user)
    client.cookies["django_language"] = "en"

    lines = download(client, batch)

    assert lines[0] == HEADER  # the columns are the file's contract: Chinese, as uploaded
    assert "Must be a positive integer." in lines[2][5]
    page = client.get(reverse("batteries:import_detail", kwargs={"pk": batch.pk}))
    assert "Must be a positive integer." in page.content.decode()
    assert "应为正整数。" not in page.content.decode()


def test_the_result_page_shows_no_internal_error_codes(client, producer_user):
    batch = import_file(producer_user, csv_bytes(rows()))
    client.force_login(producer_user)
    body = client.get(reverse("batteries:import_detail", kwargs={"pk": batch.pk})).content.decode()
    assert "应为正整数。" in body and "value.integer" not in body
    assert "下载待修改的行" in body
