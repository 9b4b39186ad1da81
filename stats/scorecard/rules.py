"""The inspection priority score: an enterprise's compliance figures in, points and reasons out.

Pure: no ORM, no clock. The weights are named here and explained in
docs/decisions/0013-statistics.md ("Scorecards"); a higher score means "inspect sooner".
Each reason is data (a code, its points and the figures behind it), so a page can word it
in the reader's language and a test can compare it literally.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Late reporting (Order No. 73 art. 24; the 2018 provisions art. 8–15): an enterprise that
# reports fewer than ON_TIME_TARGET of its events within the deadline of the rule in force.
ON_TIME_TARGET_PERCENT = 90
LATE_REPORTING_POINTS = 30
# Below this many reports in the month the rate says little: no points either way.
MIN_REPORTS = 5
# Findings of the scans that are neither cured nor closed, and those of the past.
OPEN_FINDING_POINTS = 5
OPEN_FINDING_CAP = 40
PAST_FINDING_POINTS = 1
PAST_FINDING_CAP = 10
# Handovers the receiver disputed that the giver has not settled by a new handover.
DISPUTE_POINTS = 5
DISPUTE_CAP = 20
# A fine decision whose payment period passed with money still owed (Administrative
# Penalty Law art. 67, 72).
OVERDUE_FINE_POINTS = 25
# Comprehensive-utilization enterprises: the packs in stock weigh more than the annual
# capacity of the whitelist listing (《新能源汽车废旧动力电池综合利用行业规范条件》).
CAPACITY_POINTS = 20
# The mass balance by identity disagrees with the registry's count of packs held.
BALANCE_POINTS = 20


@dataclass(frozen=True)
class Facts:
    """One enterprise's figures for one month (as the snapshot collected them)."""

    reports: int = 0
    on_time: int = 0
    open_findings: int = 0
    past_findings: int = 0
    unresolved_disputes: int = 0
    overdue_unpaid_fen: int = 0
    # Comprehensive-utilization enterprises only (None: not one, or not known).
    stock_kg: int | None = None
    capacity_tonnes: int | None = None
    balance_difference: int = 0  # computed stock − the registry's count of packs held


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    figures: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "points": self.points, **self.figures}


@dataclass(frozen=True)
class Score:
    total: int
    reasons: tuple[Reason, ...]


def on_time_percent(reports: int, on_time: int) -> float | None:
    """Return the share of reports made in time, in percent to one decimal (None: none)."""
    if reports <= 0:
        return None
    return round(100 * on_time / reports, 1)


def capacity_excess_percent(stock_kg: int | None, capacity_tonnes: int | None) -> float | None:
    """Return how far the stock's mass exceeds the annual capacity, in percent (None: not)."""
    if stock_kg is None or not capacity_tonnes:
        return None
    excess = stock_kg / (capacity_tonnes * 1000) - 1
    return round(100 * excess, 1) if excess > 0 else None


def _capped(count: int, per: int, cap: int) -> int:
    return min(count * per, cap)


def priority_score(facts: Facts) -> Score:
    """Return the inspection priority of an enterprise with the reasons, largest first."""
    reasons: list[Reason] = []
    rate = on_time_percent(facts.reports, facts.on_time)
    if facts.reports >= MIN_REPORTS and rate is not None and rate < ON_TIME_TARGET_PERCENT:
        reasons.append(
            Reason(
                "on_time_rate",
                LATE_REPORTING_POINTS,
                {"rate": rate, "target": ON_TIME_TARGET_PERCENT, "reports": facts.reports},
            )
        )
    if facts.open_findings > 0:
        points = _capped(facts.open_findings, OPEN_FINDING_POINTS, OPEN_FINDING_CAP)
        reasons.append(Reason("open_findings", points, {"count": facts.open_findings}))
    if facts.past_findings > 0:
        points = _capped(facts.past_findings, PAST_FINDING_POINTS, PAST_FINDING_CAP)
        reasons.append(Reason("past_findings", points, {"count": facts.past_findings}))
    if facts.unresolved_disputes > 0:
        points = _capped(facts.unresolved_disputes, DISPUTE_POINTS, DISPUTE_CAP)
        reasons.append(Reason("disputes", points, {"count": facts.unresolved_disputes}))
    if facts.overdue_unpaid_fen > 0:
        yuan = facts.overdue_unpaid_fen / 100
        reasons.append(Reason("overdue_fine", OVERDUE_FINE_POINTS, {"yuan": yuan}))
    excess = capacity_excess_percent(facts.stock_kg, facts.capacity_tonnes)
    if excess is not None:
        reasons.append(
            Reason(
                "over_capacity",
                CAPACITY_POINTS,
                {"percent": excess, "capacity_tonnes": facts.capacity_tonnes},
            )
        )
    if facts.balance_difference:
        reasons.append(
            Reason("balance_mismatch", BALANCE_POINTS, {"difference": facts.balance_difference})
        )
    reasons.sort(key=lambda r: -r.points)
    return Score(total=sum(r.points for r in reasons), reasons=tuple(reasons))


def ranked(rows: list[tuple[int, int, int]]) -> dict[int, int]:
    """Return enterprise id → rank (1 = inspect first) for (id, score, open findings) rows.

    Higher score first; at equal score more open findings first, then the lower id, so a
    rebuild gives the same order.
    """
    order = sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))
    return {row[0]: position for position, row in enumerate(order, start=1)}
