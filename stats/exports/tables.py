"""The exportable tables: each figure table of stats.selectors, the official statistics
report (province × month, and per enterprise), and the raw lists officials need (packs,
cases, findings, enterprises).

A figure table calls one selector (rollups, scoped by the selector); a record table reads
a scoped queryset in keyset chunks of CHUNK rows by primary key, newest first, so a
million rows never sit in memory and no query runs longer than one chunk.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.db.models.functions import Cast, Concat, ExtractYear, LPad
from django.utils.translation import gettext_lazy as _

from batteries.models import State
from batteries.selectors import pack_list
from common.battery_code import CHEMISTRY_LABELS, PRODUCT_TYPE_LABELS
from common.identifiers import PROVINCES
from enforcement.models import Case, Finding, Rule
from enterprises.models import Enterprise, Role
from enterprises.scoping import Scope
from stats import selectors
from stats.exports import filters
from stats.exports.columns import (
    DATE,
    DATETIME,
    INT,
    MONTH,
    PERCENT,
    TEXT,
    YUAN,
    Column,
)

CHUNK = 5_000
BIG_LIMIT = 100_000  # "top N" selectors: an export wants them all

STATES = dict(State.choices)
RULES = dict(Rule.choices)
CASE_STATUSES = dict(Case.Status.choices)
ROLES = dict(Role.choices)
ENTERPRISE_STATUSES = dict(Enterprise.Status.choices)


@dataclass(frozen=True)
class Table:
    name: str
    title: object
    columns: tuple[Column, ...]
    # A figure table: rows from the statistics selectors.
    figures: Callable[[Scope, selectors.StatsFilter], list[dict]] | None = None
    # A record table: a scoped queryset (of the requester), its FilterSet, annotations.
    queryset: Callable | None = None
    filterset: type | None = None
    annotations: dict = field(default_factory=dict)

    @property
    def records(self) -> bool:
        return self.queryset is not None


def _c(key, header, kind=TEXT, **extra) -> Column:
    return Column(key=key, header=header, type=kind, **extra)


def _province(key="province") -> Column:
    return _c(key, _("省份"), labels=PROVINCES)


def _enterprise_columns(prefix="") -> tuple[Column, ...]:
    return (
        _c(f"{prefix}name", _("企业名称")),
        _c(f"{prefix}uscc", _("统一社会信用代码")),
    )


FLOW_COLUMNS = (
    _c("produced", _("生产（包）"), INT),
    _c("installed", _("装车（包）"), INT),
    _c("retired_scrapped", _("报废退役（包）"), INT),
    _c("retired_repair", _("维修更换退役（包）"), INT),
    _c("handed_over", _("移交（包）"), INT),
    _c("received", _("综合利用企业接收（包）"), INT),
    _c("recycled", _("再生利用（包）"), INT),
    _c("repurposed", _("梯次利用（包）"), INT),
)
RATE_COLUMNS = (
    _c("retired", _("退役（包）"), INT),
    _c("formal_on_time", _("按期交至合规渠道（包）"), INT),
    _c("late", _("逾期交至合规渠道（包）"), INT),
    _c("not_arrived", _("未交至合规渠道（包）"), INT),
    _c("pending", _("期限未到（包）"), INT),
    _c("rate", _("规范回收率"), PERCENT),
)
FINE_COLUMNS = (  # the selectors' exact fen, not their rounded yuan
    _c("fines", _("罚款决定（件）"), INT),
    _c("issued_fen", _("罚款金额（元）"), YUAN, fen=True),
    _c("paid_fen", _("已缴金额（元）"), YUAN, fen=True),
    _c("outstanding_fen", _("未缴金额（元）"), YUAN, fen=True),
)


def _limited(selector, limit=BIG_LIMIT):
    return lambda scope, f: selector(scope, f, limit=limit)


FIGURE_TABLES = [
    Table(
        "monthly_flows",
        _("电池流向（按月）"),
        (_c("month", _("月份"), MONTH), *FLOW_COLUMNS),
        figures=selectors.monthly_flows,
    ),
    Table(
        "packs_by_province",
        _("电池流向（按省份）"),
        (
            _c("province", _("省份代码")),
            _c("province_name", _("省份")),
            _c("packs", _("电池包（包）"), INT),
            _c("retired", _("退役（包）"), INT),
            *FLOW_COLUMNS[4:],
        ),
        figures=selectors.packs_by_province,
    ),
    Table(
        "packs_by_state",
        _("电池包状态分布"),
        (_c("state_name", _("状态")), _c("packs", _("电池包（包）"), INT)),
        figures=selectors.packs_by_state,
    ),
    Table(
        "packs_by_chemistry",
        _("电池类型分布"),
        (_c("chemistry_name", _("电池类型")), _c("packs", _("电池包（包）"), INT)),
        figures=selectors.packs_by_chemistry,
    ),
    Table(
        "packs_by_producer",
        _("生产企业产量"),
        (*_enterprise_columns(), _c("packs", _("生产（包）"), INT)),
        figures=_limited(selectors.packs_by_producer),
    ),
    Table(
        "recycling_rate",
        _("规范回收率（按月）"),
        (_c("month", _("月份"), MONTH), *RATE_COLUMNS),
        figures=lambda scope, f: selectors.recycling_rate(scope, f, by="month"),
    ),
    Table(
        "recycling_rate_by_province",
        _("规范回收率（按省份）"),
        (_province(), *RATE_COLUMNS),
        figures=lambda scope, f: selectors.recycling_rate(scope, f, by="province"),
    ),
    Table(
        "on_time_reporting",
        _("企业按期上报率"),
        (
            *_enterprise_columns(),
            _province(),
            _c("reports", _("上报（条）"), INT),
            _c("on_time", _("按期（条）"), INT),
            _c("late", _("逾期（条）"), INT),
            _c("rate", _("按期上报率"), PERCENT),
        ),
        figures=selectors.on_time_reporting,
    ),
    Table(
        "findings_by_rule",
        _("违法线索（按规则）"),
        (
            _c("rule_name", _("规则")),
            _c("open", _("未纠正（条）"), INT),
            _c("cured", _("已纠正（条）"), INT),
            _c("total", _("合计（条）"), INT),
        ),
        figures=selectors.findings_by_rule,
    ),
    Table(
        "cases_by_status",
        _("案件（按规则、省份、状态）"),
        (
            _c("rule", _("规则"), labels=RULES),
            _province(),
            _c("status", _("状态"), labels=CASE_STATUSES),
            _c("cases", _("案件（件）"), INT),
        ),
        figures=selectors.cases_by_status,
    ),
    Table(
        "top_enterprises_by_open_findings",
        _("未纠正违法线索最多的企业"),
        (*_enterprise_columns(), _province(), _c("open_findings", _("未纠正线索（条）"), INT)),
        figures=_limited(selectors.top_enterprises_by_open_findings),
    ),
    Table(
        "fines_by_month",
        _("罚款（按月）"),
        (_c("month", _("决定月份"), MONTH), *FINE_COLUMNS),
        figures=selectors.fines_by_month,
    ),
    Table(
        "outlet_coverage",
        _("回收服务网点覆盖"),
        (
            _c("province", _("省份代码")),
            _c("province_name", _("省份")),
            _c("areas_with_sales", _("有销售的地区（个）"), INT),
            _c("areas_covered", _("已覆盖的地区（个）"), INT),
            _c("rate", _("覆盖率"), PERCENT),
        ),
        figures=selectors.outlet_coverage,
    ),
]


# --- The official statistics report ---------------------------------------------------


def _report_provinces(scope: Scope, f: selectors.StatsFilter) -> list[str]:
    """The provinces of the report: the scope's, narrowed by the filter's province."""
    from common.identifiers import MAINLAND_PROVINCES

    if scope.national:
        provinces = sorted(MAINLAND_PROVINCES)
    elif scope.province:
        provinces = [scope.province]
    elif scope.enterprise_id:
        provinces = list(
            Enterprise.objects.filter(pk=scope.enterprise_id).values_list("province", flat=True)
        )
    else:
        provinces = []
    return [p for p in provinces if not f.province or p == f.province]


def report_province_month(scope: Scope, f: selectors.StatsFilter) -> list[dict]:
    """One row per province × month: flows, the formal recycling rate, fines."""
    from dataclasses import replace

    rows = []
    for province in _report_provinces(scope, f):
        narrowed = replace(f, province=province)
        months = {r["month"]: dict(r) for r in selectors.monthly_flows(scope, narrowed)}
        for source in (
            selectors.recycling_rate(scope, narrowed, by="month"),
            selectors.fines_by_month(scope, narrowed),
        ):
            for r in source:
                months.setdefault(r["month"], {"month": r["month"]}).update(r)
        for month in sorted(months, key=str):
            rows.append({**months[month], "province": province})
    return rows


def report_enterprise(scope: Scope, f: selectors.StatsFilter) -> list[dict]:
    """One row per enterprise: packs produced, reporting on time, open findings."""
    rows: dict[int, dict] = {}
    for source in (
        selectors.packs_by_producer(scope, f, limit=BIG_LIMIT),
        selectors.on_time_reporting(scope, f),
        selectors.top_enterprises_by_open_findings(scope, f, limit=BIG_LIMIT),
    ):
        for r in source:
            rows.setdefault(r["enterprise_id"], {}).update(r)
    return sorted(rows.values(), key=lambda r: (r.get("province") or "", r.get("uscc") or ""))


def priority_list(scope: Scope, f: selectors.StatsFilter) -> list[dict]:
    """The inspection priority lists of the period's months: one row per enterprise and month,
    by province, month and rank, with the reasons as the page words them."""
    from stats.scorecard.display import reasons_text
    from stats.scorecard.rules import on_time_percent
    from stats.scorecard.selectors import snapshots_between

    rows = []
    for s in snapshots_between(
        scope, month_from=f.month_from, month_to=f.month_to, province=f.province, role=f.role
    ):
        percent = on_time_percent(s.figures.get("reports", 0), s.figures.get("on_time", 0))
        rows.append(
            {
                "province": s.province,
                "month": s.month,
                "rank": s.rank,
                "name": s.enterprise.name,
                "uscc": s.enterprise.uscc,
                "score": s.score,
                "reasons": "；".join(reasons_text(s.reasons)),
                "rate": None if percent is None else percent / 100,  # the page's rate
                "open_findings": s.figures.get("open_findings", 0),
            }
        )
    return rows


REPORT_TABLES = [
    Table(
        "report_province_month",
        _("统计报表（省份×月份）"),
        (
            _province(),
            _c("month", _("月份"), MONTH),
            *FLOW_COLUMNS,
            *RATE_COLUMNS,
            *FINE_COLUMNS,
        ),
        figures=report_province_month,
    ),
    Table(
        "report_enterprise",
        _("统计报表（企业）"),
        (
            *_enterprise_columns(),
            _province(),
            _c("packs", _("生产（包）"), INT),
            _c("reports", _("上报（条）"), INT),
            _c("on_time", _("按期（条）"), INT),
            _c("late", _("逾期（条）"), INT),
            _c("rate", _("按期上报率"), PERCENT),
            _c("open_findings", _("未纠正线索（条）"), INT),
        ),
        figures=report_enterprise,
    ),
    Table(
        "priority_list",
        _("重点检查名单"),
        (
            _province(),
            _c("month", _("月份"), MONTH),
            _c("rank", _("省内排名"), INT),
            *_enterprise_columns(),
            _c("score", _("优先度分值"), INT),
            _c("reasons", _("原因")),
            _c("rate", _("按期上报率"), PERCENT),
            _c("open_findings", _("未纠正线索（条）"), INT),
        ),
        figures=priority_list,
    ),
]


# --- Record tables ----------------------------------------------------------------------


def _case_number(case_path: str = "") -> models.Expression:
    """The case number AJ<year>-<id, 6 digits> as Case.number spells it (UTC year)."""
    prefix = f"{case_path}__" if case_path else ""
    number = Concat(
        models.Value("AJ"),
        Cast(ExtractYear(f"{prefix}opened_at", tzinfo=dt.UTC), models.CharField()),
        models.Value("-"),
        LPad(Cast(f"{prefix}id", models.CharField()), 6, models.Value("0")),
        output_field=models.CharField(),
    )
    if not case_path:
        return number
    return models.Case(
        models.When(**{f"{case_path}__isnull": True}, then=models.Value(None)),
        default=number,
        output_field=models.CharField(),
    )


def _packs(user):
    return pack_list(user=user)


def _cases(user):
    from enterprises.scoping import scope_of

    return Case.objects.for_scope(scope_of(user))


def _findings(user):
    from enterprises.scoping import scope_of

    return Finding.objects.for_scope(scope_of(user))


def _enterprises(user):
    from enterprises.scoping import scope_of

    return Enterprise.objects.for_scope(scope_of(user))


PACK_COLUMNS = (
    _c("code", _("电池编码")),
    _c("product_type", _("产品类型"), labels=PRODUCT_TYPE_LABELS),
    _c("chemistry", _("电池类型"), labels=CHEMISTRY_LABELS),
    _c("production_date", _("生产日期"), DATE),
    _c("manufacturer__name", _("生产企业")),
    _c("manufacturer__uscc", _("生产企业统一社会信用代码")),
    _c("state", _("状态"), labels=STATES),
    _c("holder__name", _("当前持有企业")),
    _c("holder__uscc", _("持有企业统一社会信用代码")),
    _c("holder__province", _("持有企业所在省份"), labels=PROVINCES),
    _c("vehicle__vin", _("当前车辆识别代号（VIN）")),
    _c("mass_kg", _("质量（千克）"), INT),
    _c("capacity_wh", _("额定能量（瓦时）"), INT),
    _c("last_occurred_at", _("最新事件发生时间"), DATETIME),
    _c("registered_at", _("赋码登记时间"), DATETIME),
)


CASE_COLUMNS = (
    _c("number", _("案件编号")),
    *_enterprise_columns("enterprise__"),
    _province(),
    _c("rule", _("规则"), labels=RULES),
    _c("status", _("状态"), labels=CASE_STATUSES),
    _c("opened_at", _("立案线索时间"), DATETIME),
    _c("decided_at", _("审查结论时间"), DATETIME),
    _c("due_on", _("当前期限"), DATE),
    _c("fine_fen", _("罚款金额（元）"), YUAN, fen=True),
    _c("paid_fen", _("已缴金额（元）"), YUAN, fen=True),
    _c("closed_at", _("结案时间"), DATETIME),
)


RECORD_TABLES = [
    Table(
        "packs",
        _("电池清单"),
        PACK_COLUMNS,
        queryset=_packs,
        filterset=filters.PackExportFilterSet,
    ),
    Table(
        "pack_list",
        _("电池清单（按列表页筛选）"),
        PACK_COLUMNS,
        queryset=_packs,
        filterset=filters.PackListExportFilterSet,
    ),
    Table(
        "cases",
        _("案件清单"),
        CASE_COLUMNS,
        queryset=_cases,
        filterset=filters.CaseExportFilterSet,
        annotations={"number": _case_number()},
    ),
    Table(
        "case_list",
        _("案件清单（按审查台筛选）"),
        CASE_COLUMNS,
        queryset=_cases,
        filterset=filters.CaseDeskExportFilterSet,
        annotations={"number": _case_number()},
    ),
    Table(
        "findings",
        _("违法线索清单"),
        (
            _c("id", _("线索编号"), INT),
            _c("rule", _("规则"), labels=RULES),
            _c("subject", _("对象")),
            *_enterprise_columns("enterprise__"),
            _province("enterprise__province"),
            _c("anchor_date", _("起算日期"), DATE),
            _c("deadline", _("期限"), DATE),
            _c("detected_as_of", _("发现时基准日"), DATE),
            _c("detected_at", _("发现时间"), DATETIME),
            _c("cured_at", _("纠正时间"), DATETIME),
            _c("case_number", _("案件编号")),
        ),
        queryset=_findings,
        filterset=filters.FindingExportFilterSet,
        annotations={"case_number": _case_number("case")},
    ),
    Table(
        "enterprises",
        _("企业名录"),
        (
            *_enterprise_columns(),
            _province(),
            _c("division_code", _("行政区划代码")),
            _c("roles", _("企业类型"), labels=ROLES),
            _c("status", _("状态"), labels=ENTERPRISE_STATUSES),
            _c("dismantler_qualification_no", _("拆解资质证书编号")),
            _c("created_at", _("登记时间"), DATETIME),
        ),
        queryset=_enterprises,
        filterset=filters.EnterpriseExportFilterSet,
    ),
]

TABLES: dict[str, Table] = {t.name: t for t in FIGURE_TABLES + REPORT_TABLES + RECORD_TABLES}


def record_fields(table: Table) -> tuple[list[str], dict]:
    """Return the value keys and annotations a record table's rows are read with.

    Times are converted to Beijing wall-clock time by PostgreSQL (`timezone(…)` gives a
    timestamp without zone): psycopg then loads them in C, with no per-value Python
    conversion of the zone, which at a million rows costs seconds.
    """
    keys, annotations = [], dict(table.annotations)
    for index, column in enumerate(table.columns):
        if column.type == DATETIME:
            alias = f"export_beijing_{index}"
            annotations[alias] = models.Func(
                models.Value("Asia/Shanghai"),
                models.F(column.key),
                function="timezone",
                output_field=models.DateTimeField(),
            )
            keys.append(alias)
        else:
            keys.append(column.key)
    return keys, annotations


def keyset_rows(queryset, keys: list[str], *, chunk: int = CHUNK) -> Iterator[tuple]:
    """Yield the values of `keys` for every row, newest first, one chunk query at a time."""
    queryset = queryset.order_by("-pk")
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__lt=last)
        rows = list(page.values_list("pk", *keys)[:chunk])
        for row in rows:
            yield row[1:]
        if len(rows) < chunk:
            return
        last = rows[-1][0]


def figure_rows(rows: list[dict], keys: list[str]) -> Iterator[tuple]:
    for row in rows:
        yield tuple(row.get(key) for key in keys)
