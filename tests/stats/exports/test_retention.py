"""Produced export files are kept EXPORT_RETENTION_DAYS days after they were finished; then
the nightly purge deletes the file, keeps the record and marks it expired (已过期)."""

import datetime as dt
import html
import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connections, transaction
from django.urls import reverse

from stats.exports import services
from stats.exports.models import ExportJob
from stats.exports.services import export_files_purge, export_job_run
from stats.exports.tasks import exports_purge
from tests.stats.exports.helpers import NEW, export

# The purge runs at 03:50 Beijing on 2026-04-02, i.e. 19:50 UTC on 2026-04-01.
NOW = dt.datetime(2026, 4, 1, 19, 50, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def seven_days(settings):
    settings.EXPORT_RETENTION_DAYS = 7


def _produced(client, user, monkeypatch, finished_at, **filters) -> ExportJob:
    """Queue a pack export as a background job, run it, and date its end."""
    monkeypatch.setattr(services, "DIRECT_LIMIT", 1)
    client.force_login(user)
    client.post(NEW, {"table": "packs", "format": "xlsx", **filters})
    job = ExportJob.objects.latest("pk")
    assert export_job_run(job_id=job.pk) == "done"
    ExportJob.objects.filter(pk=job.pk).update(finished_at=finished_at)
    job.refresh_from_db()
    assert job.file and job.file.storage.exists(job.file.name)
    return job


def test_a_file_older_than_the_retention_goes_and_its_record_stays(
    client, fujian_regulator, packs, monkeypatch
):
    old = _produced(client, fujian_regulator, monkeypatch, NOW - 8 * DAY, state="registered")
    name, storage = old.file.name, old.file.storage

    assert export_files_purge(now=NOW) == [old.pk]

    assert not storage.exists(name)
    old.refresh_from_db()
    assert (old.status, old.file.name, old.file_deleted_at) == ("expired", "", NOW)
    # The record itself is untouched: who, what, filters, rows, when.
    assert (old.user, old.table, old.filters, old.rows_total) == (
        fujian_regulator,
        "packs",
        {"state": "registered"},
        2,
    )
    assert old.finished_at == NOW - 8 * DAY


def test_a_younger_file_and_a_direct_export_are_left_alone(
    client, fujian_regulator, packs, monkeypatch
):
    young = _produced(client, fujian_regulator, monkeypatch, NOW - 6 * DAY)
    monkeypatch.setattr(services, "DIRECT_LIMIT", 5_000)
    export(client, "packs", "csv")  # served at once: no stored file
    direct = ExportJob.objects.get(delivery="direct")
    ExportJob.objects.filter(pk=direct.pk).update(finished_at=NOW - 30 * DAY)

    assert export_files_purge(now=NOW) == []

    young.refresh_from_db()
    direct.refresh_from_db()
    assert young.status == "done" and young.file_deleted_at is None
    assert young.file.storage.exists(young.file.name)
    assert (direct.status, direct.file.name, direct.file_deleted_at) == ("done", "", None)


def test_a_second_purge_does_nothing_more_and_a_missing_file_is_no_error(
    client, fujian_regulator, packs, monkeypatch
):
    first = _produced(client, fujian_regulator, monkeypatch, NOW - 10 * DAY)
    gone = _produced(client, fujian_regulator, monkeypatch, NOW - 9 * DAY)
    gone.file.storage.delete(gone.file.name)  # removed by hand before the purge

    assert export_files_purge(now=NOW) == [first.pk, gone.pk]
    assert export_files_purge(now=NOW + DAY) == []
    assert exports_purge() == []  # the nightly task, today

    dates = dict(ExportJob.objects.values_list("pk", "file_deleted_at"))
    assert dates == {first.pk: NOW, gone.pk: NOW}  # the first purge's time, not the second's


def test_the_download_of_an_expired_export_explains_and_offers_the_same_export_again(
    client, fujian_regulator, packs, monkeypatch
):
    job = _produced(client, fujian_regulator, monkeypatch, NOW - 8 * DAY, state="registered")
    export_files_purge(now=NOW)

    response = client.get(reverse("stats_exports:download", args=[job.pk]))

    assert response.status_code == 410
    page = response.content.decode()
    assert "导出文件已过期" in page and "2026-04-02 03:50" in page and "保留 7 天" in page
    href = html.unescape(re.search(r'id="export-again" href="([^"]+)"', page).group(1))
    url = urlsplit(href)
    assert url.path == NEW
    assert parse_qs(url.query) == {"table": ["packs"], "format": ["xlsx"], "state": ["registered"]}
    # Following it offers the same export again (still a background job at this limit).
    again = client.get(href)
    assert again.status_code == 200 and "将在后台生成" in again.content.decode()


def test_the_progress_page_and_the_log_say_expired_with_the_date(
    client, fujian_regulator, packs, monkeypatch
):
    job = _produced(client, fujian_regulator, monkeypatch, NOW - 8 * DAY)
    export_files_purge(now=NOW)

    detail = client.get(job.get_absolute_url()).content.decode()
    assert "已过期" in detail and "2026-04-02 03:50" in detail
    assert "下载 XLSX 文件" not in detail and "hx-trigger" not in detail
    progress = client.get(reverse("stats_exports:progress", args=[job.pk]), {"format": "json"})
    assert progress.json()["status"] == "expired" and progress.json()["percent"] == 100

    log = client.get(reverse("stats_exports:log")).content.decode()
    assert "已过期" in log and "2026-04-02 删除文件" in log and "保留 7 天" in log
    index = client.get(reverse("stats_exports:index")).content.decode()
    assert "后台生成的文件保留 7 天" in index


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_the_jobs_the_first_is_purging(
    client, fujian_regulator, packs, monkeypatch
):
    job = _produced(client, fujian_regulator, monkeypatch, NOW - 8 * DAY)
    locked, release, seen = threading.Event(), threading.Event(), []

    def first_worker() -> None:
        try:
            with transaction.atomic():  # holds the row as the first purge's UPDATE does
                list(ExportJob.objects.select_for_update().filter(pk=job.pk))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert locked.wait(10)
        seen.append(export_files_purge(now=NOW))  # neither waits nor touches the row
    finally:
        release.set()
        thread.join()
    assert seen == [[]]
    assert export_files_purge(now=NOW) == [job.pk]
