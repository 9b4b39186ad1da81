"""The statistics API: read-only, scoped figures from the rollups (stats.selectors).

Every call answers `{"data_as_of", "filter", "rows"}`; the filter echoes the months and
narrowing actually applied. National regulators read the nation, provincial regulators
their province, enterprises (users or API keys) their own figures.
"""

import re

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from batteries.api.base import READ_ERRORS, InvalidRequest, JsonOnly
from batteries.services.events import ItemError
from enterprises.scoping import scope_of
from stats import selectors
from stats.api import serializers as s

DESCRIPTION = (
    "口径见统计口径说明页面 /stats/glossary/（stats.definitions）。只读，按调用方可见范围"
    "统计：国家级监管看全国，省级监管看本省，企业看本企业。"
    " Definitions: /stats/glossary/. Scoped to the caller."
)


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    if not query.is_valid():
        raise InvalidRequest(
            [
                ItemError(None, field, "filter.invalid", str(message))
                for field, messages in query.errors.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ]
        )
    return query


def _echo(f: selectors.StatsFilter) -> dict:
    return {
        "month_from": f.month_from.isoformat(),
        "month_to": f.month_to.isoformat(),
        "province": f.province,
        "role": f.role,
        "enterprise_id": f.enterprise_id,
    }


class StatsView(JsonOnly, APIView):
    """One selector behind one GET."""

    query_class = s.StatsQuery
    selector = None

    def rows(self, scope, f, query) -> list[dict]:
        return type(self).selector(scope, f)

    def get(self, request):
        query = _query(self.query_class, request)
        f = query.stats_filter()
        scope = scope_of(request.user)
        return Response(
            {
                "data_as_of": selectors.data_as_of(scope),
                "filter": _echo(f),
                "rows": self.rows(scope, f, query),
            }
        )


def _endpoint(name: str, selector, row, summary: str, query_class=s.StatsQuery, rows=None):
    """Make the view of one selector, documented with its own result schema."""
    result = inline_serializer(
        name=f"Stats{name}Result",
        fields={
            "data_as_of": serializers.DateTimeField(allow_null=True),
            "filter": s.FilterEcho(),
            "rows": row(many=True),
        },
    )
    attrs = {"query_class": query_class, "selector": staticmethod(selector)}
    if rows is not None:
        attrs["rows"] = rows

    def get(self, request):
        return StatsView.get(self, request)

    attrs["get"] = extend_schema(
        operation_id="stats_" + re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(),
        tags=["stats"],
        summary=summary,
        description=DESCRIPTION,
        parameters=[query_class],
        responses={200: result, **READ_ERRORS},
    )(get)
    return type(f"{name}View", (StatsView,), attrs)


def _limited(default: int):
    def rows(self, scope, f, query):
        return type(self).selector(scope, f, limit=query.validated_data.get("limit", default))

    return rows


def _recycling_rows(self, scope, f, query):
    return selectors.recycling_rate(scope, f, by=query.validated_data.get("by", "month"))


class AsOfView(JsonOnly, APIView):
    @extend_schema(
        operation_id="stats_as_of",
        tags=["stats"],
        summary="数据截至时间 / when the figures were last refreshed",
        description=DESCRIPTION,
        responses={200: s.AsOfResult, **READ_ERRORS},
    )
    def get(self, request):
        return Response({"data_as_of": selectors.data_as_of(scope_of(request.user))})


MonthlyFlowsView = _endpoint(
    "MonthlyFlows", selectors.monthly_flows, s.FlowRow, "月度流向 / monthly flows of packs"
)
PacksByProvinceView = _endpoint(
    "PacksByProvince", selectors.packs_by_province, s.ProvinceRow, "分省电池包 / by province"
)
PacksByStateView = _endpoint(
    "PacksByState", selectors.packs_by_state, s.StateRow, "在库状态 / current stock by state"
)
PacksByChemistryView = _endpoint(
    "PacksByChemistry", selectors.packs_by_chemistry, s.ChemistryRow, "电池类型 / by chemistry"
)
PacksByProducerView = _endpoint(
    "PacksByProducer",
    selectors.packs_by_producer,
    s.ProducerRow,
    "生产企业 / packs produced per producer",
    s.LimitQuery,
    _limited(20),
)
RecyclingRateView = _endpoint(
    "RecyclingRate",
    selectors.recycling_rate,
    s.RecyclingRow,
    "规范回收率 / formal recycling rate",
    s.RecyclingQuery,
    _recycling_rows,
)
OnTimeReportingView = _endpoint(
    "OnTimeReporting",
    selectors.on_time_reporting,
    s.OnTimeRow,
    "按期上报率 / on-time reporting per enterprise",
)
FindingsByRuleView = _endpoint(
    "FindingsByRule", selectors.findings_by_rule, s.FindingRow, "违法线索 / findings by rule"
)
CasesByStatusView = _endpoint(
    "CasesByStatus", selectors.cases_by_status, s.CaseRow, "案件 / cases by rule and status"
)
TopEnterprisesView = _endpoint(
    "TopEnterprises",
    selectors.top_enterprises_by_open_findings,
    s.TopEnterpriseRow,
    "未纠正线索最多的企业 / most open findings",
    s.LimitQuery,
    _limited(10),
)
FinesByMonthView = _endpoint(
    "FinesByMonth", selectors.fines_by_month, s.FineRow, "罚款 / fines issued, paid, outstanding"
)
OutletCoverageView = _endpoint(
    "OutletCoverage", selectors.outlet_coverage, s.CoverageRow, "网点覆盖 / outlet coverage"
)
