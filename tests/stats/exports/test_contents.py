"""What an official opens: headers, real date and number cells, values, the CSV for Excel."""

import datetime as dt

from openpyxl.cell.cell import TYPE_NUMERIC, TYPE_STRING

from enforcement.models import Case
from tests.stats.exports.conftest import FUJIAN_CODE_1, FUJIAN_CODE_2, JIANGSU_CODE
from tests.stats.exports.helpers import cell_time, csv_rows, export, sheet_rows, workbook

PACK_HEADERS = [
    "电池编码",
    "产品类型",
    "电池类型",
    "生产日期",
    "生产企业",
    "生产企业统一社会信用代码",
    "状态",
    "当前持有企业",
    "持有企业统一社会信用代码",
    "持有企业所在省份",
    "当前车辆识别代号（VIN）",
    "质量（千克）",
    "额定能量（瓦时）",
    "最新事件发生时间",
    "赋码登记时间",
]


def test_the_pack_xlsx_has_chinese_headers_a_frozen_header_row_and_real_cells(
    client, national_regulator, packs, fujian_producer
):
    client.force_login(national_regulator)
    book = workbook(export(client, "packs"))
    sheet = book.active
    rows = sheet_rows(sheet)
    assert rows[0] == PACK_HEADERS
    assert sheet.freeze_panes == "A2"
    # Newest first, as in the pack list: the Jiangsu pack was registered last.
    assert [row[0] for row in rows[1:]] == [JIANGSU_CODE, FUJIAN_CODE_2, FUJIAN_CODE_1]
    first = rows[3]
    assert first == [
        FUJIAN_CODE_1,
        "电池包",
        "磷酸铁锂电池",
        cell_time(2026, 3, 15),  # a date cell (openpyxl reads dates as midnight)
        "甲电池有限公司",
        fujian_producer.uscc,
        "已赋码",
        "甲电池有限公司",
        fujian_producer.uscc,
        "福建省",
        None,
        450,
        60000,
        cell_time(2026, 3, 16, 8, 5, 9),  # Beijing time of 00:05:09 UTC
        cell_time(2026, 3, 15, 10, 30),
    ]
    cells = list(sheet.iter_rows(min_row=4, max_row=4))[0]
    assert cells[3].is_date and cells[3].number_format == "yyyy-mm-dd"
    assert cells[13].is_date and cells[13].number_format == "yyyy-mm-dd hh:mm:ss"
    assert cells[11].data_type == TYPE_NUMERIC and cells[11].number_format == "0"
    assert cells[0].data_type == TYPE_STRING
    assert rows[2][11] is None  # no mass given: an empty cell, not 0


def test_column_widths_fit_the_header_and_the_values(client, national_regulator, packs):
    client.force_login(national_regulator)
    sheet = workbook(export(client, "packs")).active
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert widths["A"] >= 24  # a 24-character code
    assert widths["F"] >= 24  # 生产企业统一社会信用代码: 12 Chinese characters, 2 columns each
    assert widths["N"] >= 19  # a time shown as 2026-03-16 08:05:09
    assert widths["L"] < widths["A"]


def test_the_csv_starts_with_a_bom_and_parses_with_iso_dates_and_beijing_times(
    client, national_regulator, packs
):
    client.force_login(national_regulator)
    rows = csv_rows(export(client, "packs", "csv"))
    assert rows[0] == PACK_HEADERS
    assert rows[3][:4] == [FUJIAN_CODE_1, "电池包", "磷酸铁锂电池", "2026-03-15"]
    assert rows[3][11:] == ["450", "60000", "2026-03-16 08:05:09", "2026-03-15 10:30:00"]
    assert rows[2][11] == ""
    assert len(rows) == 4


def test_money_is_yuan_with_two_decimals_and_case_numbers_are_spelled_as_on_the_desk(
    client, national_regulator, fujian_producer
):
    case = Case.objects.create(
        enterprise=fujian_producer,
        rule="late_reporting",
        province="35",
        status="decided",
        opened_at=dt.datetime(2026, 5, 4, 1, 0, tzinfo=dt.UTC),
        fine_fen=1234567,
        paid_fen=50,
    )
    client.force_login(national_regulator)
    sheet = workbook(export(client, "cases")).active
    rows = sheet_rows(sheet)
    assert rows[0][:6] == ["案件编号", "企业名称", "统一社会信用代码", "省份", "规则", "状态"]
    assert rows[1][0] == f"AJ2026-{case.pk:06d}"
    assert rows[1][3:6] == ["福建省", "未按期上报", "已作出罚款决定"]
    assert rows[1][6] == cell_time(2026, 5, 4, 9, 0)
    fine, paid = list(sheet.iter_rows(min_row=2, max_row=2))[0][9:11]
    assert (fine.value, paid.value) == (12345.67, 0.5)
    assert fine.number_format == "#,##0.00" and fine.data_type == TYPE_NUMERIC
    csv_line = csv_rows(export(client, "cases", "csv"))[1]
    assert csv_line[9:11] == ["12345.67", "0.50"]


def test_an_english_reader_gets_province_names_in_english(client, national_regulator, packs):
    client.force_login(national_regulator)
    response = client.get(
        "/stats/exports/new/", {"table": "packs", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = csv_rows(response)
    assert {row[9] for row in rows[1:]} == {"Fujian", "Jiangsu"}


def test_the_enterprise_list_names_roles_by_their_labels(client, national_regulator, packs):
    client.force_login(national_regulator)
    rows = csv_rows(export(client, "enterprises", "csv", province="32"))
    assert rows[0][:4] == ["企业名称", "统一社会信用代码", "省份", "行政区划代码"]
    assert [row[:5] for row in rows[1:]] == [
        ["丙电池有限公司", rows[1][1], "江苏省", "320506", "电池生产企业"]
    ]
