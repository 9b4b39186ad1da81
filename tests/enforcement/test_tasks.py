"""The nightly scan: scheduled, routed to the scans queue, run by a real worker."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from enforcement.models import Finding, ScanRun
from tests.enforcement.scenario import parties, scrapped_pack


def test_the_scans_run_nightly_on_the_scans_queue():
    entry = next(
        e for e in app.conf.beat_schedule.values() if e["task"] == "enforcement.tasks.scan_all"
    )
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {30})
    route = app.amqp.router.route({}, "enforcement.tasks.scan_all")
    assert route["queue"].name == "scans"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_scans_as_of_a_day():
    p = parties()
    battery = scrapped_pack(p, scrapped="2026-05-06")
    with start_worker(app, perform_ping_check=False, pool="solo", queues=["scans"]):
        result = app.send_task("enforcement.tasks.scan_all", args=["2026-06-30"], queue="scans")
        result.get(timeout=60, disable_sync_subtasks=False) if app.conf.result_backend else None
        for _ in range(600):
            if ScanRun.objects.filter(rule="prohibited_reuse", started_by="beat").exists():
                break
            import time

            time.sleep(0.1)
    assert (
        Finding.objects.filter(rule="scrapped_pack_not_handed_over").get().subject == battery.code
    )
    assert ScanRun.objects.filter(started_by="beat").count() == 8
