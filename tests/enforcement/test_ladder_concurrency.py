"""Under real concurrency (threads, each with its own PostgreSQL connection): document
numbers stay gap-free and unique, a rolled-back issue gives its number back, the deadline
re-check run by two workers at once proposes once, and a real Celery worker renders a
document from the "documents" queue.

Transactional: the tables are flushed afterwards, so `desk` seeds the legal data again.
"""

import datetime as dt
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction

from config.celery import app
from enforcement.models import CaseStep, Document, DocumentCounter
from enforcement.sanctions import services as ladder
from enforcement.sanctions.recheck import deadlines_check
from tests.enforcement.ladder import confirmed, ordered
from tests.enforcement.scenario import at

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


def run_threads(target, count: int) -> list:
    errors, barrier = [], threading.Barrier(count)

    def wrapped(index: int) -> None:
        try:
            barrier.wait()
            target(index)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_eight_workers_issuing_at_once_get_exactly_the_numbers_1_to_n(desk):
    per_worker, workers = 4, 8
    cases = [confirmed(desk) for _ in range(per_worker * workers)]
    spare = [confirmed(desk) for _ in range(workers)]

    def issue(index: int) -> None:
        mine = cases[index * per_worker : (index + 1) * per_worker]
        for n, case in enumerate(mine):
            if n == 1:  # one issue per worker fails after taking its number
                with pytest.raises(Rollback), transaction.atomic():
                    ladder.order_issue(case=spare[index], actor=desk.jiangsu, now=at("2026-11-02"))
                    time.sleep(0.01)
                    raise Rollback
            ladder.order_issue(case=case, actor=desk.jiangsu, now=at("2026-11-02"))

    assert run_threads(issue, workers) == []
    sequences = sorted(Document.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, per_worker * workers + 1))
    assert DocumentCounter.objects.get().last == per_worker * workers
    assert Document.objects.filter(case__in=spare).count() == 0


def test_a_rolled_back_issue_leaves_no_gap(desk):
    first, second = confirmed(desk), confirmed(desk)
    with pytest.raises(Rollback), transaction.atomic():
        ladder.order_issue(case=first, actor=desk.jiangsu, now=at("2026-11-02"))
        raise Rollback
    order = ladder.order_issue(case=second, actor=desk.jiangsu, now=at("2026-11-02"))
    assert order.number == "苏工信改〔2026〕1号"


def test_two_workers_rechecking_at_once_propose_once(desk):
    cases = [ordered(desk)[0] for _ in range(6)]
    outcomes = []

    def check(_index: int) -> None:
        outcomes.append(deadlines_check(today=dt.date(2026, 12, 1)))

    assert run_threads(check, 2) == []
    assert sum(o["overdue"] for o in outcomes) == 6
    for case in cases:
        case.refresh_from_db()
        assert (case.status, case.proposal) == ("overdue", "warn")
    assert CaseStep.objects.filter(action="lapse").count() == 6


def test_a_real_worker_renders_an_issued_document_from_the_documents_queue(desk):
    route = app.amqp.router.route({}, "enforcement.tasks.document_render")
    assert route["queue"].name == "documents"
    with start_worker(app, perform_ping_check=False, pool="solo", queues=["documents"]):
        case = confirmed(desk)
        order = ladder.order_issue(case=case, actor=desk.jiangsu, now=at("2026-11-02"))
        for _ in range(300):
            order.refresh_from_db()
            if order.sha256:
                break
            time.sleep(0.1)
    assert order.sha256 and order.pdf.name.endswith(".pdf") and order.pages >= 1


def test_the_deadline_job_is_scheduled_daily_after_the_nightly_scan():
    entry = next(
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == "enforcement.tasks.case_deadlines_check"
    )
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
