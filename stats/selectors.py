"""Reads of the statistics: every figure comes from the rollup tables, scoped to the caller.

CONTRACT (decision 0013). Dashboards, the statistics API, the exports and the scorecards call
only these functions; none of them scans packs or events per request. Each returns plain
rows (lists of dicts with JSON-friendly values: ints, Decimal-free floats for rates, ISO
dates), in a stable order, and every figure's name matches a key of
``stats.definitions.FIGURES`` (the glossary page prints those definitions).

Arguments:
- ``scope``: ``enterprises.scoping.Scope`` (``scope_of(user)``): national → the nation,
  provincial → its province, enterprise → its own figures, empty → nothing.
- ``f``: ``StatsFilter``: months ``month_from``..``month_to`` (first days of months,
  inclusive), optional ``province`` (2-digit code, narrows within the scope, never widens),
  optional ``role`` (enterprise role, ``enterprises.models.Role``), optional
  ``enterprise_id``.

Attribution (the glossary says it per figure): a fact counts once, in the cell of the
enterprise it is attributed to (the reporter of an event, the holder of a pack, the
dismantler of a scrapped pack, the enterprise of a finding, case or fine) and of that
enterprise's province; a province scope or filter keeps that province's cells, an
enterprise scope that enterprise's cells, ``role`` the cells of enterprises holding the
role. Months are Beijing months of when the fact occurred (a late report lands in the
month its event occurred). Rows may carry more keys than listed (e.g. ``*_fen`` beside
``*_yuan``, ``late`` / ``not_arrived`` / ``pending`` beside the recycling rate); callers
ignore extras.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from batteries.models import State
from common.battery_code import CHEMISTRY_LABELS
from enforcement.models import Case, Rule
from enterprises.models import PROVINCE_CHOICES, Enterprise
from enterprises.scoping import Scope
from stats import models as m

PROVINCE_NAMES = dict(PROVINCE_CHOICES)

# The flow figures of monthly_flows and the event kinds they count (stats.definitions).
FLOW_KINDS = {
    "produced": "produce",
    "installed": "install",
    "retired_scrapped": "scrap_vehicle",
    "retired_repair": "remove_for_repair",
    "handed_over": "handover",
    "received": "receipt_confirm",
    "recycled": "recycle",
    "repurposed": "repurpose",
}


@dataclass(frozen=True)
class StatsFilter:
    month_from: dt.date
    month_to: dt.date
    province: str = ""
    role: str = ""
    enterprise_id: int | None = None


def month_start(day: dt.date) -> dt.date:
    """Return the first day of the month of `day`."""
    return day.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Return the first days of the months from `first` to `last`, inclusive."""
    months, cursor = [], month_start(first)
    while cursor <= last:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def _cells(model, scope: Scope, f: StatsFilter, *, months: bool = True) -> QuerySet:
    """The cells of `model` the scope may read, narrowed by the filter."""
    qs = model.objects.all()
    if scope.empty:
        return qs.none()
    if scope.province:
        qs = qs.filter(province=scope.province)
    elif not scope.national:
        qs = qs.filter(enterprise_id=scope.enterprise_id)
    if f.province:
        qs = qs.filter(province=f.province)
    if f.enterprise_id:
        qs = qs.filter(enterprise_id=f.enterprise_id)
    if f.role:
        qs = qs.filter(enterprise_id__in=Enterprise.objects.filter(roles__contains=[f.role]))
    if months:
        qs = qs.filter(month__gte=month_start(f.month_from), month__lte=f.month_to)
    return qs


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _enterprises(ids) -> dict[int, Enterprise]:
    return {
        e.pk: e
        for e in Enterprise.objects.filter(pk__in=list(ids)).only("name", "uscc", "province")
    }


def data_as_of(scope: Scope) -> dt.datetime | None:
    """When the rollups behind every figure were last refreshed (None: never)."""
    if scope.empty:
        return None
    return m.RefreshState.objects.aggregate(at=Min("refreshed_at"))["at"]


def monthly_flows(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per month: {month, produced, installed, retired_scrapped, retired_repair, handed_over,
    received, recycled, repurposed} — counts of packs whose event occurred in that month."""
    by_kind = {kind: key for key, kind in FLOW_KINDS.items()}
    counts = (
        _cells(m.FlowCell, scope, f)
        .filter(kind__in=by_kind)
        .values("month", "kind")
        .annotate(n=Sum("events"))
    )
    rows = {
        month: {"month": month.isoformat(), **dict.fromkeys(FLOW_KINDS, 0)}
        for month in months_between(f.month_from, f.month_to)
    }
    for c in counts:
        rows[c["month"]][by_kind[c["kind"]]] = c["n"]
    return list(rows.values())


def packs_by_province(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per province: {province, province_name, packs, retired, handed_over, received,
    recycled, repurposed} over the period (``packs``: packs produced)."""
    columns = {
        "packs": ["produce"],
        "retired": ["scrap_vehicle", "remove_for_repair"],
        "handed_over": ["handover"],
        "received": ["receipt_confirm"],
        "recycled": ["recycle"],
        "repurposed": ["repurpose"],
    }
    sums = {
        key: Sum("events", filter=Q(kind__in=kinds), default=0) for key, kinds in columns.items()
    }
    rows = _cells(m.FlowCell, scope, f).values("province").annotate(**sums).order_by("province")
    return [
        {"province": r["province"], "province_name": PROVINCE_NAMES.get(r["province"], "")}
        | {key: r[key] for key in columns}
        for r in rows
        if any(r[key] for key in columns)
    ]


def packs_by_state(scope: Scope, f: StatsFilter) -> list[dict]:
    """Current stock per state: {state, state_name, packs} (the period does not apply)."""
    counts = dict(
        _cells(m.StockCell, scope, f, months=False)
        .values("state")
        .annotate(n=Sum("packs"))
        .values_list("state", "n")
    )
    return [
        {"state": state.value, "state_name": str(state.label), "packs": counts[state.value]}
        for state in State
        if counts.get(state.value)
    ]


def packs_by_chemistry(scope: Scope, f: StatsFilter) -> list[dict]:
    """Packs produced in the period per chemistry: {chemistry, chemistry_name, packs}."""
    rows = (
        _cells(m.FlowCell, scope, f)
        .filter(kind="produce")
        .values("chemistry")
        .annotate(packs=Sum("events"))
        .order_by("-packs", "chemistry")
    )
    return [
        {
            "chemistry": r["chemistry"],
            "chemistry_name": str(CHEMISTRY_LABELS.get(r["chemistry"], r["chemistry"])),
            "packs": r["packs"],
        }
        for r in rows
        if r["packs"]
    ]


def packs_by_producer(scope: Scope, f: StatsFilter, limit: int = 20) -> list[dict]:
    """Packs produced in the period per producer: {enterprise_id, name, uscc, packs}."""
    rows = list(
        _cells(m.FlowCell, scope, f)
        .filter(kind="produce")
        .values("enterprise_id")
        .annotate(packs=Sum("events"))
        .filter(packs__gt=0)
        .order_by("-packs", "enterprise_id")[:limit]
    )
    names = _enterprises(r["enterprise_id"] for r in rows)
    return [
        {
            "enterprise_id": r["enterprise_id"],
            "name": names[r["enterprise_id"]].name,
            "uscc": names[r["enterprise_id"]].uscc,
            "packs": r["packs"],
        }
        for r in rows
        if r["enterprise_id"] in names
    ]


def recycling_rate(scope: Scope, f: StatsFilter, by: str = "month") -> list[dict]:
    """The formal recycling rate by ``month`` or ``province``: {month|province, retired,
    formal_on_time, pending, rate} where rate = formal_on_time / (retired − pending) (None
    when that is 0): ``pending`` packs have not arrived yet but their deadline is still to
    come (on the day of the last refresh), so they are neither success nor failure yet.
    Also ``late`` (reached a qualified receiver after the deadline) and ``not_arrived``
    (deadline passed, or none, without an arrival)."""
    if by not in {"month", "province"}:
        raise ValueError(f"recycling_rate by {by!r}: expected 'month' or 'province'")
    rows = (
        _cells(m.RecyclingCell, scope, f)
        .values(by)
        .annotate(
            retired=Sum("retired"),
            formal_on_time=Sum("on_time"),
            late=Sum("late"),
            not_arrived=Sum("not_arrived"),
            pending=Sum("pending"),
        )
        .order_by(by)
    )
    found = {r[by]: r for r in rows}
    keys = months_between(f.month_from, f.month_to) if by == "month" else sorted(found)
    counts = ("retired", "formal_on_time", "late", "not_arrived", "pending")
    out = []
    for key in keys:
        r = found.get(key, dict.fromkeys(counts, 0))
        row = {by: key.isoformat() if by == "month" else key}
        if by == "province":
            row["province_name"] = PROVINCE_NAMES.get(key, "")
        row |= {k: r[k] for k in counts}
        row["rate"] = _rate(row["formal_on_time"], row["retired"] - row["pending"])
        out.append(row)
    return out


def recycling_rate_total(scope: Scope, f: StatsFilter) -> dict:
    """The formal recycling rate over the whole period: the same counts and rate as
    ``recycling_rate``, summed (the home page's headline figure)."""
    counts = ("retired", "formal_on_time", "late", "not_arrived", "pending")
    rows = recycling_rate(scope, f, by="month")
    total = {k: sum(r[k] for r in rows) for k in counts}
    total["rate"] = _rate(total["formal_on_time"], total["retired"] - total["pending"])
    return total


def on_time_reporting(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per enterprise: {enterprise_id, name, uscc, province, reports, on_time, late, rate}."""
    rows = list(
        _cells(m.FlowCell, scope, f)
        .values("enterprise_id", "province")
        .annotate(reports=Sum("judged"), on_time=Sum("on_time"))
        .filter(reports__gt=0)
        .order_by("enterprise_id")
    )
    names = _enterprises(r["enterprise_id"] for r in rows)
    out = [
        {
            "enterprise_id": r["enterprise_id"],
            "name": names[r["enterprise_id"]].name,
            "uscc": names[r["enterprise_id"]].uscc,
            "province": r["province"],
            "reports": r["reports"],
            "on_time": r["on_time"],
            "late": r["reports"] - r["on_time"],
            "rate": _rate(r["on_time"], r["reports"]),
        }
        for r in rows
        if r["enterprise_id"] in names
    ]
    # Worst first: the list officials read is "who reports late".
    return sorted(out, key=lambda r: (r["rate"], -r["reports"], r["enterprise_id"]))


def findings_by_rule(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per rule: {rule, rule_name, open, cured, total} (findings detected in the period)."""
    counts = {
        r["rule"]: r
        for r in _cells(m.FindingCell, scope, f)
        .values("rule")
        .annotate(open=Sum("open"), cured=Sum("cured"))
    }
    out = []
    for rule in Rule:
        c = counts.get(rule.value)
        if c:
            out.append(
                {
                    "rule": rule.value,
                    "rule_name": str(rule.label),
                    "open": c["open"],
                    "cured": c["cured"],
                    "total": c["open"] + c["cured"],
                }
            )
    return out


def cases_by_status(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per rule × province × status: {rule, province, status, cases} (opened in the
    period); also ``rule_name``, ``province_name`` and ``status_name``."""
    rules = dict(Rule.choices)
    statuses = dict(Case.Status.choices)
    rows = (
        _cells(m.CaseCell, scope, f)
        .values("rule", "province", "status")
        .annotate(cases=Sum("cases"))
        .filter(cases__gt=0)
        .order_by("rule", "province", "status")
    )
    return [
        {
            "rule": r["rule"],
            "rule_name": str(rules.get(r["rule"], r["rule"])),
            "province": r["province"],
            "province_name": PROVINCE_NAMES.get(r["province"], ""),
            "status": r["status"],
            "status_name": str(statuses.get(r["status"], r["status"])),
            "cases": r["cases"],
        }
        for r in rows
    ]


def top_enterprises_by_open_findings(scope: Scope, f: StatsFilter, limit: int = 10) -> list[dict]:
    """{enterprise_id, name, uscc, province, open_findings}, most first (findings detected
    in the period and not cured)."""
    rows = list(
        _cells(m.FindingCell, scope, f)
        .values("enterprise_id", "province")
        .annotate(open_findings=Sum("open"))
        .filter(open_findings__gt=0)
        .order_by("-open_findings", "enterprise_id")[:limit]
    )
    names = _enterprises(r["enterprise_id"] for r in rows)
    return [
        {
            "enterprise_id": r["enterprise_id"],
            "name": names[r["enterprise_id"]].name,
            "uscc": names[r["enterprise_id"]].uscc,
            "province": r["province"],
            "open_findings": r["open_findings"],
        }
        for r in rows
        if r["enterprise_id"] in names
    ]


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def fines_by_month(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per month of decision: {month, fines, issued_yuan, paid_yuan, outstanding_yuan}, and
    the same amounts in fen (``issued_fen``, ``paid_fen``, ``outstanding_fen``)."""
    found = {
        r["month"]: r
        for r in _cells(m.FineCell, scope, f)
        .values("month")
        .annotate(fines=Sum("fines"), issued=Sum("issued_fen"), paid=Sum("paid_fen"))
    }
    out = []
    for month in months_between(f.month_from, f.month_to):
        r = found.get(month, {"fines": 0, "issued": 0, "paid": 0})
        issued, paid = r["issued"], r["paid"]
        out.append(
            {
                "month": month.isoformat(),
                "fines": r["fines"],
                "issued_yuan": _yuan(issued),
                "paid_yuan": _yuan(paid),
                "outstanding_yuan": _yuan(issued - paid),
                "issued_fen": issued,
                "paid_fen": paid,
                "outstanding_fen": issued - paid,
            }
        )
    return out


def outlet_coverage(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per province: {province, province_name, areas_with_sales, areas_covered, rate}.

    Areas as the outlet-coverage scan counts them, now: each producer × province (battery
    producers) or × prefecture (vehicle producers) with sales in the last 12 months; the
    period does not apply. A province counts the areas inside it.
    """
    rows = (
        _cells(m.CoverageCell, scope, f, months=False)
        .values("province")
        .annotate(areas_with_sales=Count("pk"), areas_covered=Count("pk", filter=Q(covered=True)))
        .order_by("province")
    )
    return [
        {
            "province": r["province"],
            "province_name": PROVINCE_NAMES.get(r["province"], ""),
            "areas_with_sales": r["areas_with_sales"],
            "areas_covered": r["areas_covered"],
            "rate": _rate(r["areas_covered"], r["areas_with_sales"]),
        }
        for r in rows
    ]


def months_available(scope: Scope) -> tuple[dt.date, dt.date] | None:
    """The first and last month any flow cell the scope may read falls in (None: none)."""
    if scope.empty:
        return None
    span = _cells(m.FlowCell, scope, StatsFilter(dt.date.min, dt.date.max), months=False).aggregate(
        first=Min("month"), last=Max("month")
    )
    return (span["first"], span["last"]) if span["first"] else None


__all__ = [
    "FLOW_KINDS",
    "StatsFilter",
    "cases_by_status",
    "data_as_of",
    "findings_by_rule",
    "fines_by_month",
    "monthly_flows",
    "months_available",
    "on_time_reporting",
    "outlet_coverage",
    "packs_by_chemistry",
    "packs_by_producer",
    "packs_by_province",
    "packs_by_state",
    "recycling_rate",
    "top_enterprises_by_open_findings",
]
