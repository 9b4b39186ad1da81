"""The dashboards at /stats/: the scope's figures as charts, each with its table and links."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from enterprises.scoping import scope_of
from enterprises.views.access import requires
from stats import selectors
from stats.views.charts import charts_for
from stats.views.filters import DashboardFilterForm, filter_params, stats_filter
from stats.views.links import Links, url_or_none

EXPORT_FORMATS = ("xlsx", "csv")

stats_reader_required = requires(
    lambda user: user.is_regulator or bool(user.enterprise_id),
    _("仅限监管人员和企业用户访问。"),
)


def glossary_keys() -> set[str] | None:
    """Return the keys the glossary defines (None while stats.definitions is not written)."""
    try:
        from stats.definitions import FIGURES
    except ImportError:
        return None
    return set(FIGURES)


def _glossary_links(chart, glossary: str | None, keys: set[str] | None) -> list[dict]:
    """Return a link to each figure's definition on the glossary page (once per figure)."""
    if not glossary:
        return []
    named = {}
    for s in chart.series:
        if (keys is None or s.figure in keys) and s.figure not in named:
            named[s.figure] = {"name": s.name, "url": f"{glossary}#figure-{s.figure}"}
    return list(named.values())


def _exports(table: str, params: list[tuple[str, str]], new_export: str | None) -> list[dict]:
    """Return the export buttons of a table (none while the exports page is not built)."""
    if not new_export:
        return []
    return [
        {
            "format": fmt,
            "url": f"{new_export}?{urlencode([('table', table), ('format', fmt), *params])}",
        }
        for fmt in EXPORT_FORMATS
    ]


@stats_reader_required
def dashboard(request):
    """Show the figures of the caller's scope for the period, province and role chosen."""
    user, scope = request.user, scope_of(request.user)
    if scope.empty:
        raise PermissionDenied(_("您的账号没有可查看的统计范围。"))
    form = DashboardFilterForm(request.GET or None, scope=scope)
    f = stats_filter(form) if form.is_bound else stats_filter(DashboardFilterForm({}, scope=scope))
    enterprise = user.enterprise if scope.enterprise_id else None
    links = Links(
        scope=scope, f=f, uscc=enterprise.uscc if enterprise else "", regulator=user.is_regulator
    )
    glossary, keys = url_or_none("stats:glossary"), glossary_keys()
    new_export, params = url_or_none("stats_exports:new"), filter_params(f)
    charts = [
        {
            "chart": chart,
            "json": chart.as_json(),
            "json_id": f"chart-data-{chart.key}",
            "rows": chart.rows(),
            "glossary": _glossary_links(chart, glossary, keys),
            "exports": _exports(chart.table, params, new_export),
        }
        for chart in charts_for(scope, f, links)
    ]
    as_of = selectors.data_as_of(scope)
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form
            if form.is_bound
            else DashboardFilterForm(initial=_initial(f), scope=scope),
            "charts": charts,
            "data_as_of": timezone.localtime(as_of) if as_of else None,
            "scope": scope,
            "scope_label": _scope_label(user, scope),
            "period": f,
            "glossary": glossary,
        },
    )


def _initial(f) -> dict:
    return {"month_from": f.month_from, "month_to": f.month_to}


def _scope_label(user, scope) -> str:
    if scope.national:
        return str(_("全国"))
    if scope.province:
        return user.get_province_display()
    return user.enterprise.name
