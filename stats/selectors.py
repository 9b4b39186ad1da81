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

TODO(rollups helper): replace each ``NotImplementedError`` with the rollup reads; keep the
names, arguments and row keys, or update this docstring and tell the callers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from enterprises.scoping import Scope


@dataclass(frozen=True)
class StatsFilter:
    month_from: dt.date
    month_to: dt.date
    province: str = ""
    role: str = ""
    enterprise_id: int | None = None


def data_as_of(scope: Scope) -> dt.datetime | None:
    """When the rollups behind every figure were last refreshed (None: never)."""
    raise NotImplementedError


def monthly_flows(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per month: {month, produced, installed, retired_scrapped, retired_repair, handed_over,
    received, recycled, repurposed} — counts of packs whose event occurred in that month."""
    raise NotImplementedError


def packs_by_province(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per province: {province, province_name, packs, retired, handed_over, received,
    recycled, repurposed} over the period."""
    raise NotImplementedError


def packs_by_state(scope: Scope, f: StatsFilter) -> list[dict]:
    """Current stock per state: {state, state_name, packs}."""
    raise NotImplementedError


def packs_by_chemistry(scope: Scope, f: StatsFilter) -> list[dict]:
    """Packs produced in the period per chemistry: {chemistry, chemistry_name, packs}."""
    raise NotImplementedError


def packs_by_producer(scope: Scope, f: StatsFilter, limit: int = 20) -> list[dict]:
    """Packs produced in the period per producer: {enterprise_id, name, uscc, packs}."""
    raise NotImplementedError


def recycling_rate(scope: Scope, f: StatsFilter, by: str = "month") -> list[dict]:
    """The formal recycling rate by ``month`` or ``province``: {month|province, retired,
    formal_on_time, rate} where rate = formal_on_time / retired (None when retired is 0)."""
    raise NotImplementedError


def on_time_reporting(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per enterprise: {enterprise_id, name, uscc, province, reports, on_time, late, rate}."""
    raise NotImplementedError


def findings_by_rule(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per rule: {rule, rule_name, open, cured, total}."""
    raise NotImplementedError


def cases_by_status(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per rule × province × status: {rule, province, status, cases}."""
    raise NotImplementedError


def top_enterprises_by_open_findings(scope: Scope, f: StatsFilter, limit: int = 10) -> list[dict]:
    """{enterprise_id, name, uscc, province, open_findings}, most first."""
    raise NotImplementedError


def fines_by_month(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per month of decision: {month, fines, issued_yuan, paid_yuan, outstanding_yuan}."""
    raise NotImplementedError


def outlet_coverage(scope: Scope, f: StatsFilter) -> list[dict]:
    """Per province: {province, province_name, areas_with_sales, areas_covered, rate}."""
    raise NotImplementedError
