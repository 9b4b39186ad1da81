""" "Export this list" on the pack list: the file holds exactly the rows the list shows.

The list's filters keep their meaning there (a statistics flow: packs with a "produce"
event in February 2026 reported by a Fujian enterprise), and a provincial regulator's
file never leaves its province, whatever the link says.
"""

import html
import re

import pytest

from tests.factories import user_of
from tests.stats.dashboards.test_lists_behind import packs  # noqa: F401 - the fixture
from tests.stats.exports.helpers import body, csv_rows

pytestmark = pytest.mark.django_db
FLOW = "flow=produced&month_from=2026-02&month_to=2026-02&province=35"


def _export_link(client, query: str, fmt: str) -> str:
    page = client.get(f"/batteries/packs/?{query}").content.decode()
    link = re.search(rf'href="([^"]+)" data-export="{fmt}"', page)
    assert link, "the pack list offers no export of what it shows"
    return html.unescape(link.group(1))


def test_the_exported_list_holds_the_packs_the_list_shows(client, packs):  # noqa: F811
    client.force_login(user_of("national"))
    rows = csv_rows(client.get(_export_link(client, FLOW, "csv")))
    assert rows[0][0] == "电池编码"
    assert {r[0] for r in rows[1:]} == {b.code for b in packs["feb"]}
    listed = client.get(f"/batteries/packs/?{FLOW}").context["rows"]
    assert {r[0] for r in rows[1:]} == {b.code for b in listed}


def test_a_state_filter_and_the_scope_hold_in_the_file(client, packs):  # noqa: F811
    client.force_login(user_of("provincial", province="32"))
    rows = csv_rows(client.get(_export_link(client, "state=produced", "csv")))
    assert {r[0] for r in rows[1:]} == {packs["jiangsu"].code}
    # A link naming Fujian's flow gives a Jiangsu official nothing, never Fujian's packs.
    rows = csv_rows(client.get(_export_link(client, FLOW, "csv")))
    assert rows[1:] == []


def test_the_xlsx_link_gives_a_workbook(client, packs):  # noqa: F811
    client.force_login(user_of("national"))
    response = client.get(_export_link(client, FLOW, "xlsx"))
    assert response.status_code == 200 and body(response)[:2] == b"PK"
