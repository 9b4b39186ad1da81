"""A real Celery worker runs the platform's tasks; beat's schedule names real tasks."""

import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    missing = [
        entry["task"] for entry in app.conf.beat_schedule.values() if entry["task"] not in app.tasks
    ]
    assert missing == []


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_heartbeat_task():
    seen: list[str] = []
    handler = logging.Handler(level=logging.INFO)
    handler.emit = lambda record: seen.append(record.getMessage())
    logger = logging.getLogger("config.tasks")
    logger.addHandler(handler)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo"):
            app.send_task("config.tasks.heartbeat")
            deadline = time.monotonic() + 15
            while not seen and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        logger.removeHandler(handler)
    assert seen and seen[0].startswith("heartbeat: worker alive at ")
