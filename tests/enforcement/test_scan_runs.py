"""Scan runs: idempotent, safe when concurrent, dry runs write nothing, the run log, JSON."""

import datetime as dt
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from enforcement.models import Case, CaseStep, Finding, ScanRun
from enforcement.services.cases import case_act
from tests.enforcement.scenario import at, parties, record, scan, scrapped_pack
from tests.factories import user_of

HEADLINE = "scrapped_pack_not_handed_over"


@pytest.fixture
def p(db):
    return parties()


def _late_packs(p, n: int):
    return [scrapped_pack(p, scrapped="2026-05-06") for _ in range(n)]


@pytest.mark.django_db
def test_a_rerun_creates_nothing_new(p):
    _late_packs(p, 2)
    scan("2026-06-30")
    findings, cases, steps = Finding.objects.count(), Case.objects.count(), CaseStep.objects.count()
    scan("2026-06-30")
    assert (Finding.objects.count(), Case.objects.count(), CaseStep.objects.count()) == (
        findings,
        cases,
        steps,
    )
    last = ScanRun.objects.filter(rule=HEADLINE).order_by("-pk").first()
    assert (last.found, last.new, last.known) == (2, 0, 2)
    assert last.started_by == "test" and last.as_of == dt.date(2026, 6, 30)


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(p):
    _late_packs(p, 1)
    from enforcement.scans import scan_run

    outcomes = scan_run(as_of=dt.date(2026, 6, 30), dry_run=True, started_by="test", collect=True)
    headline = next(o for o in outcomes if o.run.rule == HEADLINE)
    assert headline.run.found == 1 and headline.findings[0]["new"] is True
    assert (Finding.objects.count(), ScanRun.objects.count(), Case.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_a_cured_finding_stays_with_its_cure_date(p):
    [battery] = _late_packs(p, 1)
    scan("2026-06-01")
    finding = Finding.objects.get(rule=HEADLINE)
    assert finding.cured_at is None
    record(battery, "handover", p.dismantler, at("2026-06-10"), counterparty_uscc=p.utilizer.uscc)
    scan("2026-06-30")
    finding.refresh_from_db()
    assert finding.cured_at.date() == dt.date(2026, 6, 10)
    assert ScanRun.objects.filter(rule=HEADLINE).order_by("-pk").first().cured == 1


@pytest.mark.django_db
def test_findings_of_one_enterprise_and_rule_make_one_case(p):
    _late_packs(p, 3)
    scan("2026-06-30", HEADLINE)
    [case] = Case.objects.filter(rule=HEADLINE)
    assert case.enterprise == p.dismantler and case.findings.count() == 3
    assert case.status == "detected" and case.province == "32"
    assert case.steps.get().action == "detect"


@pytest.mark.django_db
def test_findings_after_a_decision_open_a_new_case(p):
    _late_packs(p, 1)
    scan("2026-06-30", HEADLINE)
    case = Case.objects.get(rule=HEADLINE)
    case_act(case=case, actor=user_of("national"), action="confirm", reason="证据充分")
    scrapped_pack(p, scrapped="2026-05-07")
    scan("2026-06-30", HEADLINE)
    assert Case.objects.filter(rule=HEADLINE).count() == 2
    newer = Case.objects.filter(rule=HEADLINE, status="detected").get()
    assert newer.findings.count() == 1


@pytest.mark.django_db
def test_new_findings_join_a_case_under_review_and_say_so(p):
    _late_packs(p, 1)
    scan("2026-06-30", HEADLINE)
    case = Case.objects.get(rule=HEADLINE)
    case_act(case=case, actor=user_of("national"), action="assign")
    scrapped_pack(p, scrapped="2026-05-07")
    scan("2026-06-30", HEADLINE)
    case.refresh_from_db()
    assert case.status == "under_review" and case.findings.count() == 2
    assert list(case.steps.values_list("action", flat=True)) == ["detect", "assign", "add_findings"]


@pytest.mark.django_db
def test_the_command_prints_only_json_findings(p):
    [battery] = _late_packs(p, 1)
    out = io.StringIO()
    call_command(
        "enforcement_scan", "--as-of", "2026-06-30", "--rule", HEADLINE, "--json", stdout=out
    )
    [finding] = json.loads(out.getvalue())
    assert finding["rule"] == HEADLINE and finding["subject"] == battery.code
    assert finding["enterprise"] == p.dismantler.uscc and finding["deadline"] == "2026-05-26"
    assert finding["evidence"] and all(isinstance(i, int) for i in finding["evidence"])


@pytest.mark.django_db
def test_the_command_dry_run_writes_nothing(p):
    _late_packs(p, 1)
    out = io.StringIO()
    call_command("enforcement_scan", "--as-of", "2026-06-30", "--dry-run", stdout=out)
    assert HEADLINE in out.getvalue() and Finding.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_create_nothing_twice():
    p = parties()
    _late_packs(p, 3)
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            scan("2026-06-30")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Finding.objects.filter(rule=HEADLINE).count() == 3
    assert Case.objects.filter(rule=HEADLINE).count() == 1
    runs = ScanRun.objects.filter(rule=HEADLINE)
    assert sorted(run.new for run in runs) == [0, 3]
