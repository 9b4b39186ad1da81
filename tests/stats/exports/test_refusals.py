"""A wrong table, format or filter gets a message saying what was wrong (400, never 500)."""

import pytest

from stats.exports.models import ExportJob
from tests.stats.exports.helpers import export


@pytest.mark.parametrize(
    ("table", "fmt", "filters", "expected"),
    [
        ("nope", "xlsx", {}, "没有名为“nope”的数据表"),
        ("packs", "pdf", {}, "不支持“pdf”格式"),
        ("packs", "xlsx", {"colour": "red"}, "没有筛选条件 colour"),
        ("packs", "xlsx", {"month_from": "2026-13"}, "月份应按 YYYY-MM 填写"),
        ("packs", "xlsx", {"state": "lost"}, "状态（state）"),
        ("monthly_flows", "csv", {"month_from": "2026-05", "month_to": "2026-01"}, "不能晚于"),
        ("monthly_flows", "csv", {"province": "99"}, "省份（province）"),
        ("enterprises", "csv", {"month_from": "2026-01"}, "没有筛选条件 month_from"),
    ],
)
def test_a_bad_request_is_refused_with_a_clear_message(
    client, national_regulator, table, fmt, filters, expected
):
    client.force_login(national_regulator)
    response = export(client, table, fmt, **filters)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ExportJob.objects.exists()  # a refused export is no export


def test_the_refusal_names_the_tables_that_exist(client, national_regulator):
    client.force_login(national_regulator)
    page = export(client, "").content.decode()
    assert "report_province_month" in page and "packs" in page
