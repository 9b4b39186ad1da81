"""Run detection rules: one transaction per rule, findings written once per violation key.

A run of a rule fills a temporary table with its candidates, selects its findings into a
second one, inserts the new findings (`ON CONFLICT … DO NOTHING` on the named unique
constraint, so a re-run or a concurrent run never writes one twice), marks the cured
ones, and logs the run. Runs of the same rule are serialised by a transaction-level
advisory lock; a dry run does all of this and rolls back.
"""

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from batteries.rules import PROHIBITED_USE_KEYWORDS
from enforcement.models import DeadlineRule, ScanRun
from enforcement.scans.specs import ScanSpec

SALES_WINDOW = dt.timedelta(days=365)  # outlet coverage: sales of the last 12 months

COLUMNS = (
    "key, subject, enterprise_id, battery_id, anchor_date, deadline, deadline_rule_id, "
    "evidence, details, cured_at"
)


@dataclass
class RuleOutcome:
    run: ScanRun
    findings: list[dict] = field(default_factory=list)


class _DryRun(Exception):
    """Leave a dry run's transaction without committing anything."""


def scan_params(as_of: dt.date) -> dict:
    """Return the query parameters of a run as of a day (see enforcement.scans.sql)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    reporting = DeadlineRule.objects.filter(anchor="")
    kinds = sorted(set(reporting.values_list("event_kind", flat=True)))
    shortest = min(reporting.values_list("days", flat=True), default=1)
    return {
        "tz": settings.TIME_ZONE,
        "as_of": as_of,
        "cutoff": cutoff,
        "window_start": cutoff - SALES_WINDOW,
        "late_kinds": kinds,
        "late_min_days": shortest,
        "prohibited_patterns": [f"%{k.lower()}%" for k in PROHIBITED_USE_KEYWORDS],
    }


def rule_run(
    spec: ScanSpec,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    started_by: str,
    user=None,
    collect: bool = False,
    params: dict | None = None,
) -> RuleOutcome:
    """Run one rule as of a day; return its run log and, with `collect`, its findings."""
    params = params or scan_params(as_of)
    run = ScanRun(rule=spec.rule, as_of=as_of, dry_run=dry_run, started_by=started_by, user=user)
    outcome = RuleOutcome(run)
    began = time.monotonic()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"scan:{spec.rule}"])
            run.rows_examined, run.found = _select(cursor, spec, params)
            new_keys = _insert(cursor, spec.rule, as_of)
            run.new, run.known = len(new_keys), run.found - len(new_keys)
            run.cured = _cure(cursor, spec)
            if collect:
                outcome.findings = _findings(cursor, spec.rule, new_keys)
            run.duration_ms = int((time.monotonic() - began) * 1000)
            if dry_run:
                raise _DryRun
            run.save()
    except _DryRun:
        return outcome
    # The commit runs the deferred key checks of the new findings: part of the run's cost.
    run.duration_ms = int((time.monotonic() - began) * 1000)
    ScanRun.objects.filter(pk=run.pk).update(duration_ms=run.duration_ms)
    return outcome


def _select(cursor, spec: ScanSpec, params: dict) -> tuple[int, int]:
    cursor.execute("DROP TABLE IF EXISTS scan_base, scan_result")
    cursor.execute(f"CREATE TEMP TABLE scan_base ON COMMIT DROP AS {spec.base}", params)
    examined = cursor.rowcount
    cursor.execute("ANALYZE scan_base")
    cursor.execute(f"CREATE TEMP TABLE scan_result ON COMMIT DROP AS {spec.result}", params)
    return examined, cursor.rowcount


def _insert(cursor, rule: str, as_of: dt.date) -> set[str]:
    cursor.execute(
        f"""
        INSERT INTO enforcement_finding
            ({COLUMNS}, rule, detected_at, detected_as_of, case_id)
        SELECT {COLUMNS}, %s, now(), %s, NULL FROM scan_result
        ON CONFLICT ON CONSTRAINT finding_one_per_violation DO NOTHING
        RETURNING key
        """,
        [rule, as_of],
    )
    return {row[0] for row in cursor.fetchall()}


def _cure(cursor, spec: ScanSpec) -> int:
    """Mark findings cured: by the run's cure time, or (gaps) by no longer being found."""
    cursor.execute(
        """
        UPDATE enforcement_finding f SET cured_at = r.cured_at
        FROM scan_result r
        WHERE f.rule = %s AND f.key = r.key AND f.cured_at IS NULL AND r.cured_at IS NOT NULL
        """,
        [spec.rule],
    )
    cured = cursor.rowcount
    if spec.cures_when_absent:
        cursor.execute(
            """
            UPDATE enforcement_finding f SET cured_at = now()
            WHERE f.rule = %s AND f.cured_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM scan_result r WHERE r.key = f.key)
            """,
            [spec.rule],
        )
        cured += cursor.rowcount
    return cured


def _findings(cursor, rule: str, new_keys: set[str]) -> list[dict]:
    cursor.execute(
        """
        SELECT r.key, r.subject, e.uscc, e.name, e.province, r.deadline, r.evidence,
               r.anchor_date, r.cured_at, r.details
        FROM scan_result r JOIN enterprises_enterprise e ON e.id = r.enterprise_id
        ORDER BY r.key
        """
    )
    return [
        {
            "rule": rule,
            "key": key,
            "subject": subject,
            "enterprise": uscc,
            "enterprise_name": name,
            "province": province,
            "deadline": deadline.isoformat() if deadline else None,
            "anchor_date": anchor.isoformat() if anchor else None,
            "evidence": list(evidence),
            "cured_at": cured_at.isoformat() if cured_at else None,
            "new": key in new_keys,
            "details": json.loads(details) if isinstance(details, str) else details,
        }
        for key, subject, uscc, name, province, deadline, evidence, anchor, cured_at, details in (
            cursor.fetchall()
        )
    ]
