"""Figure tables and the official report read the rollups (stats.selectors): the rollups'
hand-counted data set (tests/stats/rollups/conftest.py), exported after a full rebuild.

May 2026: A, B and C scrapped; only A reached a qualified receiver by its deadline (B one
day late, C to a repair shop). June: D and G scrapped, G handed over in time, D never:
computed on D's deadline day (JUNE_DUE) D is pending, out of the rate's denominator.
"""

from openpyxl.cell.cell import TYPE_NUMERIC

from stats.refresh import full_rebuild
from tests.stats.exports.helpers import cell_time, csv_rows, export, workbook
from tests.stats.rollups.conftest import JUNE_DUE, world  # noqa: F401 - the fixture

SPRING = {"month_from": "2026-03", "month_to": "2026-06"}


def test_the_recycling_rate_exports_months_as_month_cells_and_the_rate_as_a_percentage(
    client,
    national_regulator,
    world,  # noqa: F811
):
    full_rebuild(JUNE_DUE)
    client.force_login(national_regulator)
    sheet = workbook(export(client, "recycling_rate", **SPRING)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "月份",
        "退役（包）",
        "按期交至合规渠道（包）",
        "逾期交至合规渠道（包）",
        "未交至合规渠道（包）",
        "期限未到（包）",
        "规范回收率",
    )
    assert rows[1:] == [
        (cell_time(2026, 3, 1), 0, 0, 0, 0, 0, None),
        (cell_time(2026, 4, 1), 0, 0, 0, 0, 0, None),
        (cell_time(2026, 5, 1), 3, 1, 1, 1, 0, 0.3333),
        (cell_time(2026, 6, 1), 2, 1, 0, 0, 1, 1.0),  # 1 on time of 2 − 1 pending
    ]
    may = list(sheet.iter_rows(min_row=4, max_row=4))[0]
    assert may[0].is_date and may[0].number_format == "yyyy-mm"
    assert may[6].data_type == TYPE_NUMERIC and may[6].number_format == "0.0%"
    csv = csv_rows(export(client, "recycling_rate", "csv", **SPRING))
    assert csv[3] == ["2026-05", "3", "1", "1", "1", "0", "33.3%"]
    assert csv[4] == ["2026-06", "2", "1", "0", "0", "1", "100.0%"]


def test_the_official_report_has_a_row_per_province_and_month_that_add_up_to_the_nation(
    client,
    national_regulator,
    world,  # noqa: F811
):
    full_rebuild()
    client.force_login(national_regulator)
    rows = csv_rows(export(client, "report_province_month", "csv", **SPRING))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["省份", "月份", "生产（包）"] and "规范回收率" in header
    assert len(body) == 31 * 4  # the mainland's 31 provinces × March–June
    retired, on_time = header.index("退役（包）"), header.index("按期交至合规渠道（包）")
    may = [row for row in body if row[1] == "2026-05"]
    assert sum(int(row[retired]) for row in may) == 3
    assert sum(int(row[on_time]) for row in may) == 1


def test_a_provincial_regulator_gets_only_its_province_in_the_report(
    client,
    jiangsu_regulator,
    world,  # noqa: F811
):
    full_rebuild()
    client.force_login(jiangsu_regulator)
    rows = csv_rows(export(client, "report_province_month", "csv", **SPRING))[1:]
    assert {row[0] for row in rows} == {"江苏省"} and len(rows) == 4
    # Asking for another province narrows to nothing, it never widens the scope.
    assert csv_rows(export(client, "report_province_month", "csv", province="35"))[1:] == []


def test_every_figure_table_exports_for_a_national_regulator(
    client,
    national_regulator,
    world,  # noqa: F811
):
    from stats.exports.tables import FIGURE_TABLES, REPORT_TABLES

    full_rebuild()
    client.force_login(national_regulator)
    for table in FIGURE_TABLES + REPORT_TABLES:
        response = export(client, table.name, "xlsx", **SPRING)
        assert response.status_code == 200, (table.name, response.content[:500])
        header = next(workbook(response).active.iter_rows(values_only=True))
        assert list(header) == [str(c.header) for c in table.columns], table.name
