"""Build the monthly scorecard snapshot: set-based inputs, the pure score, a rank per province."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from enforcement.services.setup import enforcement_data_ensure
from enterprises.models import Enterprise
from stats.scorecard import rules, sql
from stats.scorecard.models import ScorecardSnapshot

log = logging.getLogger(__name__)

# Serializes two builds of the snapshot (a beat run and a regulator's click): the second
# waits, then replaces the month again with the same rows.
LOCK_KEY = 0x5C0_0E_CA2D
FLOWS = ("in_received", "in_other", "out_handed_over", "out_other", "processed")
SCORED_STATUSES = (Enterprise.Status.APPROVED, Enterprise.Status.SUSPENDED)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return month_of(month_of(day) - dt.timedelta(days=1))


def month_params(month: dt.date) -> dict:
    zone = ZoneInfo(settings.TIME_ZONE)
    following = next_month(month)
    return {
        "tz": settings.TIME_ZONE,
        "start": dt.datetime.combine(month, dt.time(), tzinfo=zone),
        "cutoff": dt.datetime.combine(following, dt.time(), tzinfo=zone),
        "as_of": following - dt.timedelta(days=1),
        "used": sql.USED_STATES,
    }


def _rows(query: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def balance_of(flows: dict[str, int], held: tuple[int, int, int] | None) -> dict:
    """Return the mass balance: in − out − processed = stock, beside the registry's count."""
    packs_in = flows.get("in_received", 0) + flows.get("in_other", 0)
    packs_out = flows.get("out_handed_over", 0) + flows.get("out_other", 0)
    processed = flows.get("processed", 0)
    stock = packs_in - packs_out - processed
    held_packs, mass_kg, unknown = held or (0, 0, 0)
    return {
        **{flow: flows.get(flow, 0) for flow in FLOWS},
        "packs_in": packs_in,
        "packs_out": packs_out,
        "stock": stock,
        "held": held_packs,
        "difference": stock - held_packs,
        "held_mass_kg": int(mass_kg),
        "unknown_mass": unknown,
    }


def inputs_collect(month: dt.date) -> dict[int, dict]:
    """Return enterprise id → the month's figures (one query per figure, none per pack)."""
    params = month_params(month)
    figures: dict[int, dict] = defaultdict(dict)
    for enterprise_id, reports, on_time in _rows(sql.ON_TIME, params):
        figures[enterprise_id] |= {"reports": reports, "on_time": on_time}
    for enterprise_id, open_, past in _rows(sql.FINDINGS, params):
        figures[enterprise_id] |= {"open_findings": open_, "past_findings": past}
    for enterprise_id, disputes in _rows(sql.DISPUTES, params):
        figures[enterprise_id]["unresolved_disputes"] = disputes
    for enterprise_id, fines, fined, paid, overdue in _rows(sql.FINES, params):
        figures[enterprise_id] |= {
            "fines": fines,
            "fined_fen": int(fined),
            "paid_fen": int(paid),
            "overdue_unpaid_fen": int(overdue),
        }
    flows: dict[int, dict[str, int]] = defaultdict(dict)
    for enterprise_id, flow, count in _rows(sql.MOVES, params):
        flows[enterprise_id][flow] = count
    held = {row[0]: row[1:] for row in _rows(sql.HELD, params)}
    capacity = dict(_rows(sql.CAPACITY, params))
    utilizers = Enterprise.objects.filter(roles__contains=["utilizer"]).values_list("pk", flat=True)
    for enterprise_id in utilizers:
        balance = balance_of(flows.get(enterprise_id, {}), held.get(enterprise_id))
        figures[enterprise_id]["balance"] = balance
        figures[enterprise_id]["capacity_tonnes"] = capacity.get(enterprise_id)
    return figures


def facts_of(figures: dict) -> rules.Facts:
    balance = figures.get("balance")
    return rules.Facts(
        reports=figures.get("reports", 0),
        on_time=figures.get("on_time", 0),
        open_findings=figures.get("open_findings", 0),
        past_findings=figures.get("past_findings", 0),
        unresolved_disputes=figures.get("unresolved_disputes", 0),
        overdue_unpaid_fen=figures.get("overdue_unpaid_fen", 0),
        stock_kg=balance["held_mass_kg"] if balance else None,
        capacity_tonnes=figures.get("capacity_tonnes"),
        balance_difference=balance["difference"] if balance else 0,
    )


def snapshot_build(*, month: dt.date) -> int:
    """Replace the month's snapshot: score every enterprise, rank it within its province.

    Safe to run twice and on two workers at once (an advisory lock serializes the builds;
    each replaces the month as a whole). Returns the number of rows written.
    """
    month = month_of(month)
    started = time.monotonic()
    enforcement_data_ensure()  # the calendar table the on-time figure joins
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        figures = inputs_collect(month)
        enterprises = Enterprise.objects.filter(status__in=SCORED_STATUSES).values_list(
            "pk", "province"
        )
        now = timezone.now()
        scored: dict[str, list] = defaultdict(list)
        for enterprise_id, province in enterprises:
            own = figures.get(enterprise_id, {})
            score = rules.priority_score(facts_of(own))
            scored[province].append((enterprise_id, score, own))
        rows = []
        for province, entries in scored.items():
            ranks = rules.ranked(
                [(pk, score.total, own.get("open_findings", 0)) for pk, score, own in entries]
            )
            rows += [
                ScorecardSnapshot(
                    enterprise_id=pk,
                    month=month,
                    province=province,
                    score=score.total,
                    rank=ranks[pk],
                    reasons=[reason.as_dict() for reason in score.reasons],
                    figures=own,
                    built_at=now,
                )
                for pk, score, own in entries
            ]
        ScorecardSnapshot.objects.filter(month=month).delete()
        ScorecardSnapshot.objects.bulk_create(rows, batch_size=2000)
    log.info(
        "scorecard snapshot %s: %d enterprises in %.1f s",
        month.isoformat(),
        len(rows),
        time.monotonic() - started,
    )
    return len(rows)
