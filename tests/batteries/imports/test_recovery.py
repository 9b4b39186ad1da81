"""A batch whose worker died mid-file is told to its uploader instead of spinning forever."""

import datetime as dt

import pytest
from django.utils import timezone

from batteries.imports.services import STALE_AFTER, import_batch_claim, import_batches_recover
from batteries.models import ImportBatch
from tests.batteries.imports.files import code, csv_bytes, import_file, upload

pytestmark = pytest.mark.django_db


def running(user, *, silent_for: dt.timedelta, mode=ImportBatch.Mode.COMMIT_VALID, created=0):
    """A batch a worker claimed, committed `created` rows of, and last reported on long ago."""
    batch = upload(user, csv_bytes([[code(serial=1), "", "", ""]]), mode=mode)
    assert import_batch_claim(batch_id=batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - silent_for, rows_done=created, rows_created=created
    )
    return batch


def test_a_batch_silent_too_long_is_marked_failed_and_keeps_what_it_committed(producer_user):
    batch = running(producer_user, silent_for=STALE_AFTER + dt.timedelta(minutes=1), created=6)

    assert import_batches_recover() == [batch.pk]

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.finished_at
    assert batch.rows_created == 6
    assert "后台任务已中断" in batch.message and "已提交的 6 行保留" in batch.message


def test_an_all_or_nothing_batch_that_lost_its_worker_reports_nothing_imported(producer_user):
    batch = running(
        producer_user,
        silent_for=STALE_AFTER * 2,
        mode=ImportBatch.Mode.ALL_OR_NOTHING,
        created=6,
    )

    import_batches_recover()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.rows_created == 0 and "未导入任何数据" in batch.message


def test_a_batch_that_reported_recently_keeps_running(producer_user):
    batch = running(producer_user, silent_for=STALE_AFTER - dt.timedelta(minutes=1))

    assert import_batches_recover() == []

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING and not batch.message


def test_a_recovered_batch_is_not_run_by_a_late_redelivery_of_its_task(producer_user):
    from batteries.imports.services import import_batch_run

    batch = running(producer_user, silent_for=STALE_AFTER * 2)
    import_batches_recover()

    assert import_batch_run(batch_id=batch.pk) == "skipped"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED


def test_every_progress_update_renews_the_heartbeat(producer_user, monkeypatch):
    from batteries.imports import packs

    monkeypatch.setattr(packs, "CHUNK_SIZE", 2)
    before = timezone.now()
    batch = import_file(producer_user, csv_bytes([[code(serial=n), "", "", ""] for n in (1, 2, 3)]))

    assert batch.status == ImportBatch.Status.DONE
    assert batch.heartbeat_at >= before


def test_the_recovery_runs_on_the_beat_schedule():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    # tests/platform/test_celery.py checks that every scheduled task is registered.
    assert "batteries.tasks.imports_recover" in tasks


def test_a_batch_claimed_before_heartbeats_existed_is_judged_by_its_start(producer_user):
    batch = running(producer_user, silent_for=STALE_AFTER * 2)
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=None, started_at=timezone.now() - STALE_AFTER * 2
    )

    assert import_batches_recover() == [batch.pk]
