""" "Export this list" on the review desk: the file holds the cases of the desk's queue and
filters, for whoever asks, and never a case outside the asker's scope.

Two headline cases (tests/enforcement/test_desk_scoping.py): one of a Jiangsu dismantler
(苏拆解公司), one of a Zhejiang dismantler (浙拆解公司), both new and unassigned.
"""

import html
import re

import pytest
from django.test import Client

from tests.enforcement.conftest import desk  # noqa: F401 - the fixture
from tests.enforcement.test_desk_scoping import two_cases  # noqa: F401 - the fixture
from tests.stats.exports.helpers import csv_rows

pytestmark = pytest.mark.django_db
DESK = "/enforcement/cases/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _exported(client, query: str = "") -> list[list[str]]:
    page = client.get(f"{DESK}?{query}").content.decode()
    link = re.search(r'href="([^"]+)" data-export="csv"', page)
    assert link, "the desk offers no export of what it lists"
    return csv_rows(client.get(html.unescape(link.group(1))))


def test_the_nation_exports_the_queue_it_sees(desk, two_cases):  # noqa: F811
    js_case, zj_case, *_ = two_cases
    rows = _exported(_client(desk.national), "queue=new")
    assert rows[0][:3] == ["案件编号", "企业名称", "统一社会信用代码"]
    assert sorted(r[0] for r in rows[1:]) == sorted([js_case.number, zj_case.number])
    # A filter of the desk narrows the file the same way: Zhejiang's case only.
    rows = _exported(_client(desk.national), "queue=new&province=33")
    assert [r[1] for r in rows[1:]] == ["浙拆解公司"]


def test_a_province_and_an_enterprise_export_only_their_cases(desk, two_cases):  # noqa: F811
    js_case, *_ = two_cases
    rows = _exported(_client(desk.jiangsu), "queue=new")
    assert [r[0] for r in rows[1:]] == [js_case.number]
    rows = _exported(_client(desk.jiangsu), "queue=new&province=33")  # never widens
    assert rows[1:] == []
    rows = _exported(_client(desk.dismantler_user))
    assert [r[1] for r in rows[1:]] == ["苏拆解公司"]


def test_an_empty_queue_exports_an_empty_file_and_an_unknown_queue_is_refused(
    desk,  # noqa: F811
    two_cases,  # noqa: F811
):
    assert _exported(_client(desk.national), "queue=confirmed")[1:] == []
    response = _client(desk.national).get(
        "/stats/exports/new/", {"table": "case_list", "format": "csv", "queue": "pirates"}
    )
    assert response.status_code == 400
    assert "pirates" in response.content.decode()
