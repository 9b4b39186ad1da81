"""A real Celery worker (in-process, memory broker) picks an uploaded file off the queue."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from batteries.models import Battery, ImportBatch
from config.celery import app
from tests.batteries.imports.files import code, csv_bytes, upload


def _close_worker_connections(**kwargs) -> None:
    # The worker thread's connection would outlive the test and block dropping the test DB.
    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_file_is_routed_to_the_imports_queue_and_processed_end_to_end(
    producer_user,
):
    rows = [[code(serial=1), "", "450", ""], [code(serial=2), "", "", ""], ["bad", "", "", ""]]
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", queues=["imports"]):
            batch = upload(producer_user, csv_bytes(rows))  # enqueued when its row commits
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                batch.refresh_from_db()
                if batch.status not in {"queued", "running"}:
                    break
                time.sleep(0.1)
    finally:
        task_postrun.disconnect(_close_worker_connections)

    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.rows_created, batch.rows_failed) == (2, 1)
    assert batch.started_at and batch.finished_at
    assert Battery.objects.filter(code=code(serial=1), mass_kg=450).exists()


@pytest.mark.django_db(transaction=True)
def test_all_or_nothing_reports_progress_from_outside_its_open_transaction(
    producer_user, monkeypatch
):
    from batteries.imports import packs
    from batteries.imports.report import Progress
    from batteries.imports.services import import_batch_run

    seen: list[int] = []
    original_save = Progress.save
    reader = connections.create_connection("default")  # what the progress page sees

    def save_and_look(self, counters, **extra):
        original_save(self, counters, **extra)
        if self._side is not None:
            with reader.cursor() as cursor:
                cursor.execute("SELECT rows_done FROM batteries_importbatch WHERE id = %s", [pk])
                seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(packs, "CHUNK_SIZE", 2)
    monkeypatch.setattr(Progress, "save", save_and_look)
    rows = [[code(serial=n), "", "", ""] for n in range(1, 6)]
    batch = upload(producer_user, csv_bytes(rows), mode="all_or_nothing")
    pk = batch.pk

    try:
        assert import_batch_run(batch_id=pk) == "done"
    finally:
        reader.close()

    batch.refresh_from_db()
    assert batch.rows_created == 5 and Battery.objects.count() == 5
    assert seen == [2, 4, 5]  # rows written so far, visible before the single commit
