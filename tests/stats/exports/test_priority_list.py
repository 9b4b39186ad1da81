"""The inspection priority list exports as the page shows it: rank, score and the reasons.

The scorecard's Jiangsu world (tests/stats/scorecard/test_pages.py): in November 2026 B
ranks first with 30 points (an overdue fine of 40,000 yuan unpaid: +25; one open finding:
+5), A second with 15 (three open findings), C third with 0; Zhejiang's Z has 40.
"""

import pytest

from tests.factories import user_of
from tests.stats.exports.helpers import cell_time, export, workbook
from tests.stats.scorecard.test_pages import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
NOVEMBER = {"month_from": "2026-11", "month_to": "2026-11"}


def test_a_province_exports_its_ranked_list_with_the_reasons(client, world):  # noqa: F811
    a, b, c, z = world
    client.force_login(user_of("provincial", province="32"))
    rows = list(workbook(export(client, "priority_list", **NOVEMBER)).active.values)
    assert rows[0][:6] == ("省份", "月份", "省内排名", "企业名称", "统一社会信用代码", "优先度分值")
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows[1:]] == [
        ("江苏省", cell_time(2026, 11, 1), 1, "苏乙公司", 30),
        ("江苏省", cell_time(2026, 11, 1), 2, "苏甲公司", 15),
        ("江苏省", cell_time(2026, 11, 1), 3, "苏丙公司", 0),
    ]
    assert rows[1][6] == "罚款 40,000 元逾期未缴：+25；1 条违法线索未纠正、未结案：+5"
    assert rows[1][8] == 1  # open findings


def test_the_nation_gets_every_province_and_a_province_never_widens(client, world):  # noqa: F811
    client.force_login(user_of("national"))
    rows = list(workbook(export(client, "priority_list", **NOVEMBER)).active.values)[1:]
    assert {r[3] for r in rows} == {"苏甲公司", "苏乙公司", "苏丙公司", "浙丁公司"}
    client.force_login(user_of("provincial", province="32"))
    rows = list(workbook(export(client, "priority_list", province="33", **NOVEMBER)).active.values)[
        1:
    ]
    assert rows == []
