"""A small rollup state in two provinces, the people who read it, and page helpers.

The dashboards read the rollups through stats.selectors; these tests give the rollups a
known content (hand-written cells, as a refresh would leave them) and check what each
reader's page shows, links to and hides. The rollups' own arithmetic is tested elsewhere.
"""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from stats import models as m
from tests.factories import enterprise_create, user_of

PERIOD = "month_from=2026-01&month_to=2026-03"
JAN, FEB, MAR, DEC = (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1),
                      dt.date(2025, 12, 1))  # fmt: skip
AS_OF = dt.datetime(2026, 4, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def world(db):
    """Fujian: a battery producer (闽电池), a dismantler (闽拆解). Jiangsu: a dismantler
    (苏拆解), a utilizer (苏利用)."""
    fj = enterprise_create(name="闽电池有限公司", division="350902", roles=["battery_producer"])
    fd = enterprise_create(name="闽拆解有限公司", division="350102", roles=["dismantler"])
    js = enterprise_create(name="苏拆解有限公司", division="320506", roles=["dismantler"])
    ju = enterprise_create(name="苏利用有限公司", division="320211", roles=["utilizer"])

    def flow(month, who, kind, chemistry, events):
        m.FlowCell.objects.create(
            month=month, enterprise=who, province=who.province, kind=kind,
            chemistry=chemistry, events=events,
        )  # fmt: skip

    flow(DEC, fj, "produce", "lfp", 100)  # before the period
    flow(JAN, fj, "produce", "lfp", 10)
    flow(FEB, fj, "produce", "ternary", 4)
    flow(FEB, js, "scrap_vehicle", "lfp", 3)
    flow(MAR, js, "handover", "lfp", 2)
    flow(MAR, ju, "receipt_confirm", "lfp", 2)
    # February's 3 scrapped packs: 1 handed over on time, 1 late, 1 whose deadline is to come.
    m.RecyclingCell.objects.create(
        month=FEB, enterprise=js, province="32", retired=3, on_time=1, late=1, pending=1
    )
    # January's 2 packs scrapped in Fujian: both handed over on time.
    m.RecyclingCell.objects.create(month=JAN, enterprise=fd, province="35", retired=2, on_time=2)
    # Cases opened in the period, by their current status (December's are before it).
    for month, who, rule, status, cases in (
        (JAN, fj, "late_reporting", "detected", 2),
        (JAN, fj, "late_reporting", "decided", 1),
        (FEB, js, "late_reporting", "detected", 1),
        (FEB, js, "scrapped_pack_not_handed_over", "ordered", 1),
        (DEC, js, "late_reporting", "closed", 4),
    ):
        m.CaseCell.objects.create(
            month=month, enterprise=who, province=who.province, rule=rule, status=status,
            cases=cases,
        )  # fmt: skip
    m.FindingCell.objects.create(
        month=JAN, enterprise=fj, province="35", rule="late_reporting", open=5
    )
    m.FindingCell.objects.create(
        month=FEB,
        enterprise=js,
        province="32",
        rule="scrapped_pack_not_handed_over",
        open=1,
        cured=1,
    )
    m.FineCell.objects.create(
        month=MAR, enterprise=fj, province="35", rule="late_reporting", fines=1,
        issued_fen=500_000, paid_fen=200_000,
    )  # fmt: skip
    m.CoverageCell.objects.create(
        enterprise=fj, level="province", area="35", province="35", covered=True
    )
    m.CoverageCell.objects.create(enterprise=fj, level="province", area="32", province="32")
    for group in m.RefreshState.Group:
        m.RefreshState.objects.create(group=group, refreshed_at=AS_OF)
    return SimpleNamespace(
        fj=fj,
        fd=fd,
        js=js,
        ju=ju,
        national=user_of("national"),
        fujian=user_of("provincial", province="35"),
        jiangsu=user_of("provincial", province="32"),
        fj_user=user_of("enterprise_operator", enterprise=fj),
        js_user=user_of("enterprise_admin", enterprise=js),
    )


class _Tables(HTMLParser):
    """Collect the dashboard's tables: key → rows of cells (text, link)."""

    def __init__(self):
        super().__init__()
        self.tables, self._rows, self._cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._rows = self.tables.setdefault(attrs["data-table"], [])
        elif self._rows is not None and tag == "tr":
            self._rows.append([])
        elif self._rows is not None and tag in {"td", "th"}:
            self._cell = {"text": "", "url": None}
            self._rows[-1].append(self._cell)
        elif self._cell is not None and tag == "a":
            self._cell["url"] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "table":
            self._rows = None
        elif tag in {"td", "th"}:
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data.strip()


def tables(html: str) -> dict[str, list[list[dict]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def charts(html: str) -> dict[str, dict]:
    """Return the charts' data as the page hands them to the script (json_script)."""
    found = re.findall(
        r'<script id="chart-data-(\w+)" type="application/json">(.*?)</script>', html, re.S
    )
    return {key: json.loads(body) for key, body in found}


def page(client, user, query: str = PERIOD) -> str:
    client.force_login(user)
    response = client.get(f"/stats/?{query}")
    assert response.status_code == 200, response.status_code
    return response.content.decode()
