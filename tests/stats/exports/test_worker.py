"""A real Celery worker (in-process, memory broker) takes an export off the exports queue."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from config.celery import app
from stats.exports import services, tables, writers
from stats.exports.models import ExportJob
from tests.batteries.builders import code_for
from tests.stats.exports.helpers import NEW, csv_rows

PACKS = 40


def _close_worker_connections(**kwargs) -> None:
    # The worker thread's connection would outlive the test and block dropping the test DB.
    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_routed_to_the_exports_queue_and_produced_end_to_end(
    client, national_regulator, fujian_producer, monkeypatch
):
    from batteries.models import Channel
    from batteries.services.packs import PackInput, packs_register

    result = packs_register(
        items=[PackInput(code=code_for("T01", serial=n)) for n in range(1, PACKS + 1)],
        reporter=fujian_producer,
        channel=Channel.WEB,
    )
    assert result.ok
    # Small limits so a 40-row export is "large": a job, read in 6 chunks, 4 progress saves.
    monkeypatch.setattr(services, "DIRECT_LIMIT", 10)
    monkeypatch.setattr(tables, "CHUNK", 7)
    monkeypatch.setattr(writers, "PROGRESS_EVERY", 10)
    client.force_login(national_regulator)
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", queues=["exports"]):
            client.post(NEW, {"table": "packs", "format": "csv", "state": "registered"})
            job = ExportJob.objects.get()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if not job.finished:
                    time.sleep(0.1)
                    continue
                break
    finally:
        task_postrun.disconnect(_close_worker_connections)

    assert job.status == ExportJob.Status.DONE, job.error
    assert (job.rows_total, job.rows_done) == (PACKS, PACKS)
    assert job.started_at and job.finished_at
    download = client.get(f"/stats/exports/{job.pk}/download/")
    rows = csv_rows(download)
    assert len(rows) == PACKS + 1 and len({row[0] for row in rows[1:]}) == PACKS
