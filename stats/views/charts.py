"""The dashboard's charts: each one the selector's rows, as a chart and as a table.

A chart is built once from one selector call; the page draws it (stats-charts.js reads the
same dict through json_script) and prints it as a table, so the two can never disagree. Each
value carries the address of the list behind it (`urls`), for a click and for the table.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from enforcement.models import Case, Rule
from stats import selectors
from stats.views.links import Links

PERCENT = "percent"
YUAN = "yuan"
# Row keys whose glossary entry (stats.definitions.FIGURES) has another name.
FIGURE_OF = {
    "rate": "recycling_rate",
    "issued_yuan": "fines_issued",
    "fines": "fines_issued",
    "paid_yuan": "fines_paid",
    "outstanding_yuan": "fines_outstanding",
    "areas_with_sales": "outlet_coverage",
    "areas_covered": "outlet_coverage",
}


@dataclass
class Series:
    key: str  # the figure's key (stats.definitions), the row's key
    name: str
    data: list = field(default_factory=list)
    urls: list = field(default_factory=list)
    plotted: bool = True  # False: in the table only (the parts of a rate, an outstanding sum)
    unit: str = ""  # "percent": data are percentages with one decimal; "yuan": amounts
    figure: str = ""  # its key in the glossary when not the row's key

    def __post_init__(self):
        self.figure = self.figure or FIGURE_OF.get(self.key, self.key)

    def text(self, value) -> str:
        """Return a value as the table prints it."""
        if value is None:
            return "—"
        if self.unit == PERCENT:
            return f"{value}%"
        if self.unit == YUAN:
            return f"{value:.2f}"
        return str(value)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # line, bar, hbar (horizontal bars), pie
    table: str  # the export's table (stats.exports.tables), mostly the selector's name
    category_label: str
    categories: list[str]
    series: list[Series]
    note: str = ""
    stacked: bool = False  # bars: the series' bars stacked into one per category

    @property
    def figures(self) -> list[str]:
        return [s.key for s in self.series]

    def as_json(self) -> dict:
        data = asdict(self)
        data["series"] = [asdict(s) for s in self.series if s.plotted]
        return data

    def rows(self) -> list[dict]:
        """The table: one row per category, each cell a value and its list's address."""
        return [
            {
                "category": category,
                "cells": [{"text": s.text(s.data[i]), "url": s.urls[i]} for s in self.series],
            }
            for i, category in enumerate(self.categories)
        ]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _series(rows, key, name, url: Callable | None = None, **kw) -> Series:
    values = [row[key] for row in rows]
    if kw.get("unit") == PERCENT:
        values = [_percent(v) for v in values]
    return Series(key, name, values, [url(row) if url else None for row in rows], **kw)


def _month(row) -> str:
    return row["month"][:7]


def _day(row) -> dt.date:
    return dt.date.fromisoformat(row["month"])


FLOW_NAMES = {
    "produced": lambda: _("生产"),
    "installed": lambda: _("装车"),
    "retired_scrapped": lambda: _("报废退役"),
    "retired_repair": lambda: _("维修更换退役"),
    "handed_over": lambda: _("移交"),
    "received": lambda: _("接收入库"),
    "recycled": lambda: _("再生利用"),
    "repurposed": lambda: _("梯次利用"),
}


def flows_chart(scope, f, links: Links) -> Chart:
    rows = selectors.monthly_flows(scope, f)
    series = [
        _series(rows, key, name(), lambda r, k=key: links.packs(k, month=_day(r)))
        for key, name in FLOW_NAMES.items()
        if key != "installed"
    ]
    return Chart(
        "flows",
        _("月度流向趋势"),
        "line",
        "monthly_flows",
        _("月份"),
        [_month(r) for r in rows],
        series,
    )


def provinces_chart(scope, f, links: Links) -> Chart:
    rows = selectors.packs_by_province(scope, f)
    columns = {
        "packs": ("produced", _("生产")),
        "retired": ("retired", _("退役")),
        "handed_over": ("handed_over", _("移交")),
        "received": ("received", _("接收入库")),
        "recycled": ("recycled", _("再生利用")),
        "repurposed": ("repurposed", _("梯次利用")),
    }
    series = [
        _series(rows, key, name, lambda r, flow=flow: links.packs(flow, province=r["province"]))
        for key, (flow, name) in columns.items()
    ]
    categories = [r["province_name"] for r in rows]
    return Chart(
        "provinces", _("分省份情况"), "bar", "packs_by_province", _("省份"), categories, series
    )


def chemistry_chart(scope, f, links: Links) -> Chart:
    rows = selectors.packs_by_chemistry(scope, f)
    url = lambda r: links.packs("produced", chemistry=r["chemistry"])  # noqa: E731
    series = [_series(rows, "packs", _("生产电池包数"), url, figure="packs_by_chemistry")]
    return Chart(
        "chemistry",
        _("电池类型构成"),
        "pie",
        "packs_by_chemistry",
        _("电池类型"),
        [r["chemistry_name"] for r in rows],
        series,
    )


def recycling_chart(scope, f, links: Links) -> Chart:
    rows = selectors.recycling_rate(scope, f, by="month")
    url = lambda r: links.packs("retired_scrapped", month=_day(r))  # noqa: E731
    series = [
        _series(rows, "rate", _("规范回收率（%）"), url, unit=PERCENT),
        _series(rows, "retired", _("报废退役"), url, plotted=False),
        _series(rows, "formal_on_time", _("按期交售合格接收方"), url, plotted=False),
        # Not arrived yet, deadline to come: outside the rate's denominator.
        _series(rows, "pending", _("期限未到"), url, plotted=False),
    ]
    return Chart(
        "recycling",
        _("规范回收率趋势"),
        "line",
        "recycling_rate",
        _("月份"),
        [_month(r) for r in rows],
        series,
    )


def recycling_provinces_chart(scope, f, links: Links) -> Chart:
    rows = selectors.recycling_rate(scope, f, by="province")
    # The packs the figure counts: those scrapped in the period (by a dismantler of the bar's
    # province); on time, late, not arrived and pending are parts of them.
    url = lambda r: links.packs("retired_scrapped", province=r["province"])  # noqa: E731
    series = [
        _series(rows, "rate", _("规范回收率（%）"), url, unit=PERCENT),
        _series(rows, "retired", _("报废退役"), url, plotted=False, figure="retired_scrapped"),
        _series(rows, "formal_on_time", _("按期交售合格接收方"), url, plotted=False),
        _series(rows, "late", _("逾期交售合格接收方"), url, plotted=False),
        _series(rows, "not_arrived", _("未交售合格接收方"), url, plotted=False),
        _series(rows, "pending", _("期限未到"), url, plotted=False),
    ]
    return Chart(
        "recycling_provinces",
        _("规范回收率（按省份）"),
        "bar",
        "recycling_rate_by_province",
        _("省份"),
        [r["province_name"] for r in rows],
        series,
    )


def findings_chart(scope, f, links: Links) -> Chart:
    rows = selectors.top_enterprises_by_open_findings(scope, f)
    url = lambda r: links.cases(enterprise=r["uscc"])  # noqa: E731
    series = [_series(rows, "open_findings", _("未纠正线索"), url)]
    return Chart(
        "findings",
        _("未纠正线索最多的企业"),
        "hbar",
        "top_enterprises_by_open_findings",
        _("企业"),
        [r["name"] for r in rows],
        series,
    )


def fines_chart(scope, f, links: Links) -> Chart:
    rows = selectors.fines_by_month(scope, f)
    url = lambda r: links.cases(fine_month=_month(r))  # noqa: E731
    series = [
        _series(rows, "issued_yuan", _("罚款决定金额（元）"), url, unit=YUAN),
        _series(rows, "paid_yuan", _("已缴金额（元）"), url, unit=YUAN),
        _series(rows, "outstanding_yuan", _("未缴金额（元）"), url, plotted=False, unit=YUAN),
        _series(rows, "fines", _("罚款决定（件）"), url, plotted=False),
    ]
    return Chart(
        "fines",
        _("罚款决定与缴纳"),
        "bar",
        "fines_by_month",
        _("月份"),
        [_month(r) for r in rows],
        series,
    )


def cases_chart(scope, f, links: Links) -> Chart:
    """Cases opened in the period: a bar per rule, stacked by the cases' current status."""
    rows = selectors.cases_by_status(scope, f)
    rules = {r["rule"]: r["rule_name"] for r in rows}
    rules = {rule.value: rules[rule.value] for rule in Rule if rule.value in rules}  # law order
    statuses = {r["status"]: r["status_name"] for r in rows}
    statuses = {s.value: statuses[s.value] for s in Case.Status if s.value in statuses}
    counts = Counter()
    for r in rows:  # summed over the provinces of the scope
        counts[r["rule"], r["status"]] += r["cases"]
    # The desk's cases of the rule (and status) opened in the period: the ones counted here.
    opened = {
        "detected_from": f.month_from.replace(day=1).isoformat(),
        "detected_to": _month_end(f.month_to).isoformat(),
    }

    def column(key, name, status="", **kw) -> Series:
        data = [
            counts[rule, status] if status else sum(counts[rule, s] for s in statuses)
            for rule in rules
        ]
        urls = [links.cases(rule=rule, status=status, **opened) for rule in rules]
        return Series(key, name, data, urls, figure="cases", **kw)

    series = [
        column("cases", _("案件（件）"), plotted=False),
        *(column(status, name, status) for status, name in statuses.items()),
    ]
    return Chart(
        "cases",
        _("案件（按规则、状态）"),
        "hbar",
        "cases_by_status",
        _("违法情形"),
        list(rules.values()),
        series,
        stacked=True,
    )


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def coverage_chart(scope, f, links: Links) -> Chart:
    rows = selectors.outlet_coverage(scope, f)
    url = lambda r: links.enterprises(province=r["province"])  # noqa: E731
    series = [
        _series(rows, "rate", _("网点覆盖率（%）"), url, unit=PERCENT, figure="outlet_coverage"),
        _series(rows, "areas_with_sales", _("有销售的区域"), url, plotted=False),
        _series(rows, "areas_covered", _("已设网点的区域"), url, plotted=False),
    ]
    return Chart(
        "coverage",
        _("回收服务网点覆盖率"),
        "bar",
        "outlet_coverage",
        _("省份"),
        [r["province_name"] for r in rows],
        series,
        note=_("近 12 个月有销售的区域，不受统计期间影响。"),
    )


CHARTS = [
    flows_chart,
    provinces_chart,
    chemistry_chart,
    recycling_chart,
    recycling_provinces_chart,
    findings_chart,
    cases_chart,
    fines_chart,
    coverage_chart,
]


def charts_for(scope, f, links: Links) -> list[Chart]:
    return [build(scope, f, links) for build in CHARTS]
