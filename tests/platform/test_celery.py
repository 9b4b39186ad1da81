"""A real Celery worker runs the platform's tasks; beat's schedule names real tasks."""

import threading

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from config.tasks import heartbeat

ran = threading.Event()


@app.task(name="tests.platform.mark_ran")
def mark_ran(value: str) -> None:
    ran.set()
    ran.value = value


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    missing = [
        entry["task"] for entry in app.conf.beat_schedule.values() if entry["task"] not in app.tasks
    ]
    assert missing == []


def test_the_heartbeat_returns_the_local_time():
    assert heartbeat().endswith("+08:00")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_tasks_from_the_broker():
    ran.clear()
    # Name the queue: a worker started earlier in this process may have narrowed the selection.
    with start_worker(app, perform_ping_check=False, pool="solo", queues=["celery"]):
        # Sent by name through the broker, serialized like any production task.
        app.send_task("tests.platform.mark_ran", args=["through the broker"])
        assert ran.wait(timeout=30)
    assert ran.value == "through the broker"
