"""Every export is recorded (who, table, filters, rows) and visible to national regulators;
a large export is a job with progress and a download only its requester (or MIIT) gets."""

from django.urls import reverse

from enterprises.models import AuditEvent
from stats.exports import services
from stats.exports.models import ExportJob
from stats.exports.services import export_job_run
from tests.stats.exports.conftest import FUJIAN_CODE_1, FUJIAN_CODE_2
from tests.stats.exports.helpers import NEW, body, export, workbook


def test_a_direct_export_is_recorded_with_who_what_filters_and_rows(
    client, fujian_regulator, packs
):
    client.force_login(fujian_regulator)
    export(client, "packs", "csv", state="registered")
    job = ExportJob.objects.get()
    assert (job.user, job.table, job.format, job.delivery) == (
        fujian_regulator,
        "packs",
        "csv",
        "direct",
    )
    assert job.filters == {"state": "registered"}
    assert (job.status, job.rows_total) == ("done", 2)
    audit = AuditEvent.objects.get(action="export")
    assert audit.actor_name == fujian_regulator.username and audit.target == "电池清单"
    assert audit.details["rows"] == 2 and audit.details["filters"] == {"state": "registered"}


def _queue_large_export(client, user, monkeypatch, **filters):
    """With the direct limit at one row, the pack export must become a job."""
    monkeypatch.setattr(services, "DIRECT_LIMIT", 1)
    client.force_login(user)
    offer = export(client, "packs", "xlsx", **filters)
    assert offer.status_code == 200 and "将在后台生成" in offer.content.decode()
    assert not ExportJob.objects.exists()  # offering creates nothing
    response = client.post(NEW, {"table": "packs", "format": "xlsx", **filters})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    return job


def test_a_large_export_is_queued_then_produced_and_downloaded_by_its_requester(
    client, fujian_regulator, packs, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = _queue_large_export(client, fujian_regulator, monkeypatch)
    assert job.status == "queued" and job.delivery == "job" and len(callbacks) == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page

    assert export_job_run(job_id=job.pk) == "done"
    assert export_job_run(job_id=job.pk) == "skipped"  # a second delivery does nothing
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done) == ("done", 2, 2)
    progress = client.get(reverse("stats_exports:progress", args=[job.pk]), {"format": "json"})
    assert progress.json()["percent"] == 100
    assert "下载 XLSX 文件" in client.get(job.get_absolute_url()).content.decode()

    download = client.get(reverse("stats_exports:download", args=[job.pk]))
    rows = list(workbook(download).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [FUJIAN_CODE_2, FUJIAN_CODE_1]
    assert AuditEvent.objects.filter(action="export_download", actor_id=fujian_regulator.pk)


def test_a_jobs_download_is_refused_to_another_user_but_not_to_miit(
    client, fujian_regulator, jiangsu_regulator, national_regulator, packs, monkeypatch
):
    job = _queue_large_export(client, fujian_regulator, monkeypatch)
    export_job_run(job_id=job.pk)
    url = reverse("stats_exports:download", args=[job.pk])
    client.force_login(jiangsu_regulator)
    assert client.get(url).status_code == 404
    assert client.get(job.get_absolute_url()).status_code == 404
    client.force_login(national_regulator)
    assert body(client.get(url)).startswith(b"PK")  # an XLSX is a zip


def test_a_job_whose_filter_no_longer_holds_fails_with_its_reason(
    client, fujian_regulator, packs, monkeypatch
):
    job = _queue_large_export(client, fujian_regulator, monkeypatch)
    ExportJob.objects.filter(pk=job.pk).update(filters={"state": "lost"})
    assert export_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "state" in job.error and job.finished_at


def test_the_log_shows_miit_every_export_and_others_only_their_own(
    client, fujian_regulator, jiangsu_regulator, national_regulator, packs
):
    client.force_login(fujian_regulator)
    export(client, "packs", "csv", state="registered")
    client.force_login(jiangsu_regulator)
    export(client, "enterprises", "csv")
    log = reverse("stats_exports:log")
    page = client.get(log).content.decode()
    assert "企业名录" in page and "电池清单" not in page
    client.force_login(national_regulator)
    page = client.get(log).content.decode()
    assert "企业名录" in page and "电池清单" in page and "state=registered" in page
    assert fujian_regulator.username in page


def test_the_back_office_log_is_scoped_like_the_portal_log(
    client, jiangsu_regulator, national_regulator, packs
):
    from django.contrib.auth import get_user_model

    client.force_login(jiangsu_regulator)
    export(client, "enterprises", "csv")
    admin = get_user_model().objects.create_superuser("exports-admin", password="x")
    client.force_login(admin)
    export(client, "packs", "csv")
    changelist = reverse("admin:stats_exports_exportjob_changelist")
    jiangsu_regulator.is_staff = True
    jiangsu_regulator.save()
    client.force_login(jiangsu_regulator)
    page = client.get(changelist)
    assert page.status_code == 200
    assert list(page.context["cl"].queryset) == list(ExportJob.objects.filter(table="enterprises"))
    client.force_login(admin)
    assert client.get(changelist).context["cl"].queryset.count() == 2


def test_a_job_whose_worker_died_is_marked_failed_once_and_only_when_silent(
    client, fujian_regulator, packs, monkeypatch
):
    import datetime as dt

    from django.utils import timezone

    from stats.exports.services import export_jobs_recover

    job = _queue_large_export(client, fujian_regulator, monkeypatch)
    silent_since = timezone.now() - dt.timedelta(minutes=16)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=silent_since, heartbeat_at=silent_since
    )
    assert export_jobs_recover(now=silent_since + dt.timedelta(minutes=14)) == []
    assert export_jobs_recover() == [job.pk]
    assert export_jobs_recover() == []  # a second run finds nothing to do
    job.refresh_from_db()
    assert job.status == "failed" and "请重新导出" in job.error
    page = client.get(job.get_absolute_url()).content.decode()
    assert "请重新导出" in page and "hx-get" not in page  # the bar stops polling


def test_the_progress_partial_polls_while_running_and_offers_the_file_when_done(
    client, fujian_regulator, packs, monkeypatch
):
    job = _queue_large_export(client, fujian_regulator, monkeypatch)
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows_total=2, rows_done=1)
    partial = client.get(reverse("stats_exports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'data-percent="50"' in partial
    assert "已写出 1 / 2 行" in partial and "export-download" not in partial
    ExportJob.objects.filter(pk=job.pk).update(status="queued")
    export_job_run(job_id=job.pk)
    partial = client.get(reverse("stats_exports:progress", args=[job.pk])).content.decode()
    assert "hx-get" not in partial and 'id="export-download"' in partial


def test_the_export_page_offers_every_table_and_lists_my_last_exports(
    client, fujian_regulator, packs
):
    from stats.exports.tables import TABLES

    client.force_login(fujian_regulator)
    export(client, "packs", "csv", state="registered")
    page = client.get(reverse("stats_exports:index")).content.decode()
    for table in TABLES.values():
        assert f'value="{table.name}"' in page and str(table.title) in page
    assert "state=registered" in page and "即时下载" in page
    assert 'name="province"' not in page  # a province's regulator has one province
