"""The writers on their own: sheets past Excel's row limit, formulas kept as text, widths."""

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from stats.exports import writers
from stats.exports.columns import DATE, INT, PERCENT, TEXT, Column
from stats.exports.tables import keyset_rows

COLUMNS = [
    Column("name", "企业名称", TEXT),
    Column("day", "日期", DATE),
    Column("n", "数量", INT),
    Column("rate", "比例", PERCENT),
]
ROWS = [
    ('=HYPERLINK("x")', dt.date(2026, 4, 1), 3, 0.125),
    ("甲电池有限公司", dt.date(2026, 4, 2), 0, None),
    ("+86 电话", None, 7, 1.0),
]


def test_past_the_sheet_row_limit_the_rows_go_on_in_a_second_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "XLSX_ROWS_PER_SHEET", 3)  # header + 2 rows a sheet
    path = tmp_path / "out.xlsx"
    assert writers.write_xlsx(str(path), COLUMNS, ROWS, title="测试") == 3
    book = load_workbook(path)
    assert book.sheetnames == ["测试", "测试 (2)"]
    second = list(book["测试 (2)"].iter_rows(values_only=True))
    assert second == [("企业名称", "日期", "数量", "比例"), ("+86 电话", None, 7, 1.0)]
    assert book["测试 (2)"].freeze_panes == "A2"


def test_xlsx_keeps_formula_looking_text_as_text_and_rates_as_percent_cells(tmp_path):
    path = tmp_path / "out.xlsx"
    writers.write_xlsx(str(path), COLUMNS, ROWS, title="测试")
    sheet = load_workbook(path).active
    name, _, _, rate = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert name.data_type == "s" and name.value == '=HYPERLINK("x")'
    assert rate.value == 0.125 and rate.number_format == "0.0%"


def test_csv_quotes_what_excel_would_run_as_a_formula(tmp_path):
    out = io.BytesIO()
    writers.write_csv(out, COLUMNS, ROWS)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("x")', "2026-04-01", "3", "12.5%"]
    assert rows[2] == ["甲电池有限公司", "2026-04-02", "0", ""]
    assert rows[3][0] == "'+86 电话"


def test_a_chinese_character_counts_two_columns_of_width():
    assert writers.display_width("甲电池") == 6 and writers.display_width("T01") == 3
    widths = writers.column_widths(COLUMNS, ["企业名称", "日期", "数量", "比例"], [ROWS[1]])
    assert widths[0] == len("甲电池有限公司") * 2 + 2


def test_keyset_chunks_read_every_row_once_newest_first(packs):
    from batteries.models import Battery

    codes = [row[0] for row in keyset_rows(Battery.objects.all(), ["code"], chunk=2)]
    assert codes == [b.code for b in sorted(packs, key=lambda b: -b.pk)]
