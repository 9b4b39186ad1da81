"""The dashboard shows each reader its scope's figures, as charts and tables, with links."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.stats.dashboards.conftest import PERIOD, charts, page, tables

pytestmark = pytest.mark.django_db


def _series(chart: dict, key: str) -> list:
    return next(s["data"] for s in chart["series"] if s["key"] == key)


def _all_urls(data: dict) -> list[str]:
    return [url for chart in data.values() for s in chart["series"] for url in s["urls"] if url]


def test_the_nation_sees_every_province_for_the_period(client, world):
    data = charts(page(client, world.national))

    flows = data["flows"]
    assert flows["categories"] == ["2026-01", "2026-02", "2026-03"]
    assert _series(flows, "produced") == [10, 4, 0]  # December's 100 is before the period
    assert _series(flows, "retired_scrapped") == [0, 3, 0]
    assert _series(flows, "handed_over") == [0, 0, 2]
    assert _series(flows, "received") == [0, 0, 2]
    provinces = data["provinces"]
    assert provinces["categories"] == ["江苏省", "福建省"]
    assert _series(provinces, "packs") == [0, 14]
    assert _series(provinces, "retired") == [3, 0]
    assert data["chemistry"]["categories"] == ["磷酸铁锂电池", "三元材料电池"]  # most first
    assert _series(data["chemistry"], "packs") == [10, 4]
    # January: Fujian's 2 of 2 on time. February: 1 on time of 3 retired − 1 pending
    # (deadline still to come): 1 / 2.
    assert _series(data["recycling"], "rate") == [100.0, 50.0, None]
    assert data["findings"]["categories"] == ["闽电池有限公司", "苏拆解有限公司"]
    assert _series(data["findings"], "open_findings") == [5, 1]
    assert _series(data["fines"], "issued_yuan") == [0, 0, 5000.0]
    assert _series(data["fines"], "paid_yuan") == [0, 0, 2000.0]
    assert _series(data["coverage"], "rate") == [0.0, 100.0]


def test_the_recycling_table_shows_the_pending_packs_the_rate_leaves_out(client, world):
    header, *rows = tables(page(client, world.national))["recycling"]

    assert [cell["text"] for cell in header] == [
        "月份",
        "规范回收率（%）",
        "报废退役",
        "按期交售合格接收方",
        "期限未到",
    ]
    assert [[cell["text"] for cell in row] for row in rows] == [
        ["2026-01", "100.0%", "2", "2", "0"],
        ["2026-02", "50.0%", "3", "1", "1"],  # 1 / (3 − 1)
        ["2026-03", "—", "0", "0", "0"],
    ]


def test_a_provincial_regulator_never_sees_another_provinces_numbers(client, world):
    html = page(client, world.jiangsu)
    data = charts(html)

    assert _series(data["flows"], "produced") == [0, 0, 0]  # Fujian's production
    assert _series(data["flows"], "retired_scrapped") == [0, 3, 0]
    assert data["provinces"]["categories"] == ["江苏省"]
    assert "chemistry" not in data  # nothing produced in Jiangsu: an empty chart, no data
    assert data["findings"]["categories"] == ["苏拆解有限公司"]
    assert _series(data["fines"], "issued_yuan") == [0, 0, 0]
    assert data["coverage"]["categories"] == ["江苏省"]
    assert "闽电池有限公司" not in html and "福建省" not in html


def test_a_provincial_regulator_cannot_widen_its_scope_by_a_province_parameter(client, world):
    html = page(client, world.jiangsu, f"{PERIOD}&province=35")

    assert 'name="province"' not in html
    assert _series(charts(html)["flows"], "produced") == [0, 0, 0]
    assert "闽电池有限公司" not in html


def test_every_link_of_a_provincial_dashboard_keeps_its_province(client, world):
    html = page(client, world.jiangsu)
    urls = _all_urls(charts(html)) + [
        cell["url"] for rows in tables(html).values() for row in rows for cell in row if cell["url"]
    ]

    assert urls
    for url in urls:
        assert parse_qs(urlsplit(url).query)["province"] == ["32"], url


def test_a_national_regulator_filters_to_one_province(client, world):
    html = page(client, world.national, f"{PERIOD}&province=35")
    data = charts(html)

    assert data["provinces"]["categories"] == ["福建省"]
    assert _series(data["flows"], "retired_scrapped") == [0, 0, 0]
    assert data["findings"]["categories"] == ["闽电池有限公司"]
    for url in _all_urls(data):
        assert parse_qs(urlsplit(url).query)["province"] == ["35"], url


def test_a_bar_of_the_national_province_chart_opens_that_provinces_packs(client, world):
    provinces = charts(page(client, world.national))["provinces"]
    packs = next(s for s in provinces["series"] if s["key"] == "packs")
    fujian = provinces["categories"].index("福建省")

    url = urlsplit(packs["urls"][fujian])
    assert url.path == "/batteries/packs/"
    assert parse_qs(url.query) == {
        "flow": ["produced"],
        "month_from": ["2026-01"],
        "month_to": ["2026-03"],
        "province": ["35"],
    }


def test_a_point_of_the_trend_opens_the_packs_of_that_month(client, world):
    flows = charts(page(client, world.national))["flows"]
    scrapped = next(s for s in flows["series"] if s["key"] == "retired_scrapped")

    query = parse_qs(urlsplit(scrapped["urls"][1]).query)
    assert query == {
        "flow": ["retired_scrapped"],
        "month_from": ["2026-02"],
        "month_to": ["2026-02"],
    }


def test_the_cases_and_registry_links_of_the_nation(client, world):
    data = charts(page(client, world.national))
    findings = data["findings"]["series"][0]["urls"]
    fines = data["fines"]["series"][0]["urls"]
    coverage = data["coverage"]["series"][0]["urls"]

    assert parse_qs(urlsplit(findings[0]).query) == {
        "queue": ["all"],
        "enterprise": [world.fj.uscc],
    }
    assert urlsplit(fines[2]).path == "/enforcement/cases/"
    assert parse_qs(urlsplit(fines[2]).query) == {"queue": ["all"], "fine_month": ["2026-03"]}
    assert urlsplit(coverage[0]).path == "/enterprises/"
    assert parse_qs(urlsplit(coverage[0]).query) == {"province": ["32"]}


def test_an_enterprise_sees_only_its_own_figures_and_links_to_what_it_reported(client, world):
    html = page(client, world.fj_user)
    data = charts(html)

    assert _series(data["flows"], "produced") == [10, 4, 0]
    assert _series(data["flows"], "retired_scrapped") == [0, 0, 0]
    assert data["findings"]["categories"] == ["闽电池有限公司"]
    assert "苏拆解有限公司" not in html
    assert 'name="province"' not in html and 'name="role"' not in html
    packs = [u for u in _all_urls(data) if u.startswith("/batteries/packs/")]
    assert packs and all(parse_qs(urlsplit(u).query)["reporter"] == [world.fj.uscc] for u in packs)
    assert not any(u.startswith("/enterprises/") for u in _all_urls(data))  # regulators' page


def _printed(value, key: str) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if key.endswith("_yuan") else str(value)


def test_each_table_holds_the_numbers_of_its_chart_with_the_same_links(client, world):
    html = page(client, world.national)
    data, printed = charts(html), tables(html)

    for key, chart in data.items():
        header, *rows = printed[key]
        names = [cell["text"] for cell in header[1:]]
        assert [row[0]["text"] for row in rows] == chart["categories"], key
        for series in chart["series"]:
            column = names.index(series["name"]) + 1
            shown = [row[column]["text"].rstrip("%") for row in rows]
            expected = [_printed(v, series["key"]) for v in series["data"]]
            assert shown == expected, (key, series["key"])
            assert [row[column]["url"] for row in rows] == series["urls"], (key, series["key"])


def test_the_page_says_when_its_data_were_last_refreshed_in_beijing_time(client, world):
    html = page(client, world.fujian)

    assert "数据截至 2026-04-02 09:30（北京时间）" in html


def test_the_default_period_is_the_last_twelve_months(client, world):
    flows = charts(page(client, world.national, ""))["flows"]

    assert len(flows["categories"]) == 12


def test_a_reversed_period_is_an_error_of_the_form_and_the_page_still_answers(client, world):
    html = page(client, world.national, "month_from=2026-03&month_to=2026-01")

    assert "截止月份不能早于起始月份。" in html


def test_a_visitor_is_sent_to_the_login(client, world):
    response = client.get("/stats/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_loads_echarts_and_its_script_from_our_static_files(client, world):
    html = page(client, world.national)

    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in html
    assert '<script src="/static/js/stats-charts.js" defer></script>' in html
    assert "<script>" not in html  # nothing inline: the Content-Security-Policy allows none


def _links(html: str, pattern: str) -> list[str]:
    import re
    from html import unescape

    return [unescape(u) for u in re.findall(rf'href="({pattern}[^"]*)"', html)]


def test_every_figure_links_to_its_definition_on_the_glossary_page(client, world):
    html = page(client, world.national)
    links = _links(html, "/stats/glossary/")
    glossary = client.get("/stats/glossary/").content.decode()

    assert len(links) >= 15
    for link in links:
        assert f'id="{link.split("#")[1]}"' in glossary, link


def test_each_table_exports_its_numbers_with_the_dashboards_filter(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    html = page(client, world.jiangsu)
    exports = _links(html, "/stats/exports/new/")

    assert len(exports) == 2 * 9  # xlsx and csv per table
    flows = next(u for u in exports if "table=monthly_flows" in u and "format=xlsx" in u)
    assert parse_qs(urlsplit(flows).query) == {
        "table": ["monthly_flows"],
        "format": ["xlsx"],
        "month_from": ["2026-01"],
        "month_to": ["2026-03"],
    }
    response = client.get(flows)
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(
        BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "月份" and len(rows) == 4  # header and the three months


def test_the_dashboard_leads_to_the_exports_their_log_and_for_regulators_the_priority_list(
    client, world
):
    official = page(client, world.jiangsu)
    assert 'href="/stats/exports/"' in official and 'href="/stats/exports/log/"' in official
    assert 'href="/stats/scorecards/"' in official
    enterprise = page(client, world.fj_user)
    assert 'href="/stats/exports/"' in enterprise and 'href="/stats/scorecards/"' not in enterprise


# --- The formal recycling rate by province -------------------------------------------------


def _printed_rows(html: str, key: str) -> list[list[str]]:
    return [[cell["text"] for cell in row] for row in tables(html)[key]]


def test_the_recycling_rate_by_province_of_the_nation_with_its_counts(client, world):
    html = page(client, world.national)
    chart = charts(html)["recycling_provinces"]

    assert chart["categories"] == ["江苏省", "福建省"]
    # Jiangsu: 1 on time / (3 scrapped − 1 pending); Fujian: 2 / (2 − 0).
    assert _series(chart, "rate") == [50.0, 100.0]
    assert [s["key"] for s in chart["series"]] == ["rate"]  # the counts: in the table only
    assert _printed_rows(html, "recycling_provinces") == [
        ["省份", "规范回收率（%）", "报废退役", "按期交售合格接收方", "逾期交售合格接收方",
         "未交售合格接收方", "期限未到"],
        ["江苏省", "50.0%", "3", "1", "1", "0", "1"],
        ["福建省", "100.0%", "2", "2", "0", "0", "0"],
    ]  # fmt: skip


def test_a_province_sees_only_its_own_recycling_rate(client, world):
    html = page(client, world.jiangsu)

    assert charts(html)["recycling_provinces"]["categories"] == ["江苏省"]
    assert _printed_rows(html, "recycling_provinces")[1:] == [
        ["江苏省", "50.0%", "3", "1", "1", "0", "1"]
    ]


def test_a_provinces_recycling_bar_opens_the_packs_scrapped_there_in_the_period(client, world):
    chart = charts(page(client, world.national))["recycling_provinces"]
    fujian = chart["categories"].index("福建省")

    url = urlsplit(chart["series"][0]["urls"][fujian])
    assert url.path == "/batteries/packs/"
    assert parse_qs(url.query) == {
        "flow": ["retired_scrapped"],
        "month_from": ["2026-01"],
        "month_to": ["2026-03"],
        "province": ["35"],
    }


def test_the_recycling_rate_by_province_explains_its_figures_and_exports_by_province(client, world):
    html = page(client, world.national)
    card = html.split('id="recycling_provinces"', 1)[1].split("</section>", 1)[0]

    figures = {link.split("#figure-")[1] for link in _links(card, "/stats/glossary/")}
    assert {"recycling_rate", "retired_scrapped", "pending"} <= figures
    exports = _links(card, "/stats/exports/new/")
    assert exports and all("table=recycling_rate_by_province" in u for u in exports)


# --- Cases by status ---------------------------------------------------------------------------

RULES = ["报废车辆电池未按期移交", "未按期上报"]  # Rule's order


def test_the_cases_of_the_nation_per_rule_stacked_by_status(client, world):
    html = page(client, world.national)
    chart = charts(html)["cases"]

    assert chart["categories"] == RULES
    assert chart["stacked"] is True
    # Opened in January–March (December's 4 closed ones are before the period).
    assert [(s["key"], s["data"]) for s in chart["series"]] == [
        ("detected", [0, 3]),  # Fujian's 2 and Jiangsu's 1 late reporting cases
        ("ordered", [1, 0]),
        ("decided", [0, 1]),
    ]
    assert _printed_rows(html, "cases") == [
        ["违法情形", "案件（件）", "新发现", "已责令改正", "已作出罚款决定"],
        ["报废车辆电池未按期移交", "1", "0", "1", "0"],
        ["未按期上报", "4", "3", "0", "1"],
    ]


def test_a_province_sees_only_its_own_cases(client, world):
    html = page(client, world.jiangsu)
    chart = charts(html)["cases"]

    assert chart["categories"] == RULES
    assert [(s["key"], s["data"]) for s in chart["series"]] == [
        ("detected", [0, 1]),
        ("ordered", [1, 0]),
    ]
    assert _printed_rows(html, "cases")[1:] == [
        ["报废车辆电池未按期移交", "1", "0", "1"],
        ["未按期上报", "1", "1", "0"],
    ]


def test_a_cases_bar_opens_the_desks_cases_of_that_rule_and_status_opened_in_the_period(
    client, world
):
    chart = charts(page(client, world.jiangsu))["cases"]
    detected = next(s for s in chart["series"] if s["key"] == "detected")

    url = urlsplit(detected["urls"][RULES.index("未按期上报")])
    assert url.path == "/enforcement/cases/"
    assert parse_qs(url.query) == {
        "queue": ["all"],
        "rule": ["late_reporting"],
        "status": ["detected"],
        "detected_from": ["2026-01-01"],
        "detected_to": ["2026-03-31"],
        "province": ["32"],
    }
    total = tables(page(client, world.national))["cases"][1][1]  # 报废车辆电池未按期移交, all
    assert parse_qs(urlsplit(total["url"]).query) == {
        "queue": ["all"],
        "rule": ["scrapped_pack_not_handed_over"],
        "detected_from": ["2026-01-01"],
        "detected_to": ["2026-03-31"],
    }


def test_an_enterprise_sees_its_own_cases_and_opens_them_on_its_read_only_desk(client, world):
    html = page(client, world.fj_user)
    chart = charts(html)["cases"]

    assert chart["categories"] == ["未按期上报"]
    assert [(s["key"], s["data"]) for s in chart["series"]] == [
        ("detected", [2]),
        ("decided", [1]),
    ]
    url = chart["series"][0]["urls"][0]
    assert "province" not in parse_qs(urlsplit(url).query)
    assert client.get(url).status_code == 200  # its own cases, read-only
