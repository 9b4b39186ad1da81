"""Exports: check a request, serve a small one at once, queue a large one, run it, log all.

Every export leaves an ExportJob row (who, table, filters, format, rows, when) and an
audit-log record, whether it was served at once or produced by a worker. Figure tables
(rollups, a few hundred rows at most) are always served at once; a record table with at
most DIRECT_LIMIT rows too, a larger one goes to the `exports` queue.
"""

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises.scoping import scope_of
from enterprises.services.audit import AuditAction, audit_record
from stats.exports import filters, writers
from stats.exports.columns import Column
from stats.exports.models import ExportJob
from stats.exports.tables import TABLES, Table, figure_rows, keyset_rows, record_fields

logger = logging.getLogger(__name__)

DIRECT_LIMIT = 5_000  # rows served in the request; more are produced by a worker
RESERVED = {"table", "format", "csrfmiddlewaretoken"}
DOWNLOAD_ACTION = "export_download"


@dataclass(frozen=True)
class ExportRequest:
    table: Table
    format: str
    params: dict[str, str]  # the filters as given, kept on the record


@dataclass
class Source:
    columns: list[Column]
    rows: Iterable[tuple]
    count: Callable[[], int]
    direct: bool


def export_request(*, user, data: Mapping) -> ExportRequest:
    """Check the table, format and filters; raise ValidationError saying what is wrong."""
    if scope_of(user).empty:
        raise PermissionDenied(_("您的账号没有可导出的数据范围。"))
    name = (data.get("table") or "").strip()
    table = TABLES.get(name)
    if table is None:
        raise ValidationError(
            _("没有名为“%(name)s”的数据表。可导出的数据表：%(names)s。"),
            code="unknown_table",
            params={"name": name, "names": "、".join(TABLES)},
        )
    fmt = (data.get("format") or ExportJob.Format.XLSX).strip().lower()
    if fmt not in ExportJob.Format.values:
        raise ValidationError(
            _("不支持“%(format)s”格式，请选择 xlsx 或 csv。"),
            code="unknown_format",
            params={"format": fmt},
        )
    params = {k: v for k, v in data.items() if k not in RESERVED and v not in ("", None)}
    request = ExportRequest(table=table, format=fmt, params=params)
    _bound(request, user)
    return request


def _bound(request: ExportRequest, user):
    """Return the bound FilterSet (record tables) or FiguresForm, checked."""
    table = request.table
    if table.records:
        extra = {"user": user} if getattr(table.filterset, "needs_user", False) else {}
        bound = table.filterset(request.params, queryset=table.queryset(user), **extra)
        form = bound.form
    else:
        bound = form = filters.FiguresForm(request.params)
    allowed = filters.parameter_names(form)
    unknown = sorted(set(request.params) - allowed)
    if unknown:
        raise ValidationError(
            _("数据表“%(table)s”没有筛选条件 %(names)s；可用的筛选条件：%(allowed)s。"),
            code="unknown_filter",
            params={
                "table": table.title,
                "names": "、".join(unknown),
                "allowed": "、".join(sorted(allowed)),
            },
        )
    if not form.is_valid():
        problems = []
        for field, messages in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            problems += [f"{label}（{field}）：{m}" if label else m for m in messages]
        raise ValidationError(problems, code="bad_filter")
    return bound


def export_source(request: ExportRequest, user) -> Source:
    """Return the columns, the row stream and whether it is small enough to serve at once."""
    table = request.table
    columns = [column.resolved() for column in table.columns]
    bound = _bound(request, user)
    if table.records:
        keys, annotations = record_fields(table)
        queryset = bound.qs.annotate(**annotations)
        small = queryset.order_by()[: DIRECT_LIMIT + 1].count() <= DIRECT_LIMIT
        return Source(columns, keyset_rows(queryset, keys), queryset.count, small)
    found = table.figures(scope_of(user), bound.stats_filter())
    keys = [column.key for column in table.columns]
    return Source(columns, figure_rows(found, keys), lambda: len(found), True)


def export_filename(job: ExportJob) -> str:
    when = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return f"{TABLES[job.table].title}-{when}-{job.pk}.{job.format}"


def write_file(request: ExportRequest, source: Source, path: str, on_progress=None) -> int:
    """Write the source's rows to `path` in the request's format; return how many."""
    if request.format == ExportJob.Format.CSV:
        with open(path, "wb") as handle:
            return writers.write_csv(handle, source.columns, source.rows, on_progress=on_progress)
    title = str(request.table.title)
    return writers.write_xlsx(
        path, source.columns, source.rows, title=title, on_progress=on_progress
    )


def _audit(job: ExportJob, http_request, action: str = AuditAction.EXPORT) -> None:
    audit_record(
        actor=job.user,
        action=action,
        request=http_request,
        target=str(TABLES[job.table].title) if job.table in TABLES else job.table,
        details={
            "table": job.table,
            "format": job.format,
            "filters": job.filters,
            "delivery": job.delivery,
            "rows": job.rows_total,
            "job": job.pk,
        },
    )


def export_direct(*, user, request: ExportRequest, source: Source, http_request=None):
    """Write a small export now; record it; return (job, an open file positioned at 0)."""
    started = timezone.now()
    handle = tempfile.NamedTemporaryFile(suffix=f".{request.format}")  # noqa: SIM115
    rows = write_file(request, source, handle.name)
    handle.seek(0)
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            table=request.table.name,
            filters=request.params,
            format=request.format,
            delivery=ExportJob.Delivery.DIRECT,
            language=get_language() or "zh-hans",
            status=ExportJob.Status.DONE,
            rows_total=rows,
            rows_done=rows,
            created_at=started,
            started_at=started,
            finished_at=timezone.now(),
        )
        _audit(job, http_request)
    return job, handle


@transaction.atomic
def export_job_create(*, user, request: ExportRequest, http_request=None) -> ExportJob:
    """Queue an export for the `exports` queue (sent once this transaction commits)."""
    from stats.exports.tasks import export_run

    job = ExportJob.objects.create(
        user=user,
        table=request.table.name,
        filters=request.params,
        format=request.format,
        delivery=ExportJob.Delivery.JOB,
        language=get_language() or "zh-hans",
        status=ExportJob.Status.QUEUED,
    )
    _audit(job, http_request)
    export_run.delay_on_commit(job.pk)
    return job


def export_job_run(*, job_id: int) -> str:
    """Produce a queued export. A second delivery of the same job does nothing."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        with translation.override(job.language):
            rows = _produce(job)
    except (ValidationError, PermissionDenied) as exc:
        return _fail(job, "；".join(getattr(exc, "messages", [str(exc)])))
    except Exception:
        logger.exception("export job %s failed", job_id)
        return _fail(job, str(_("导出时发生内部错误，请稍后重试或联系管理员。")))
    job.status, job.finished_at = ExportJob.Status.DONE, timezone.now()
    job.rows_total = job.rows_done = rows
    job.save(update_fields=["status", "finished_at", "rows_total", "rows_done", "file"])
    return "done"


def _produce(job: ExportJob) -> int:
    data = {"table": job.table, "format": job.format, **job.filters}
    request = export_request(user=job.user, data=data)
    source = export_source(request, job.user)
    ExportJob.objects.filter(pk=job.pk).update(rows_total=source.count())

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done, heartbeat_at=timezone.now())

    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        path = os.path.join(folder, f"export-{job.pk}.{job.format}")
        rows = write_file(request, source, path, on_progress=progress)
        with open(path, "rb") as handle:
            job.file.save(f"export-{job.pk}.{job.format}", File(handle), save=False)
    return rows


def _fail(job: ExportJob, message: str) -> str:
    ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.FAILED, finished_at=timezone.now(), error=message[:2000]
    )
    return "failed"


# A running job saves its progress every few seconds (every PROGRESS_EVERY rows); one
# silent for this long lost its worker (killed, out of memory, machine restarted).
STALE_AFTER = dt.timedelta(minutes=15)


def export_jobs_recover(*, now: dt.datetime | None = None) -> list[int]:
    """Mark running jobs whose worker stopped as failed; return their ids. Safe to run twice:
    each job is changed by a conditional UPDATE on the heartbeat it was seen with."""
    now = now or timezone.now()
    stale = ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    recovered = []
    for job in stale.only("pk", "heartbeat_at"):
        message = _("生成该导出的后台任务已中断（最近一次进度：%(at)s），请重新导出。") % {
            "at": timezone.localtime(job.heartbeat_at).strftime("%Y-%m-%d %H:%M")
        }
        changed = ExportJob.objects.filter(
            pk=job.pk, status=ExportJob.Status.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(status=ExportJob.Status.FAILED, error=str(message), finished_at=now)
        if changed:
            logger.warning("export job %s: worker lost, marked failed", job.pk)
            recovered.append(job.pk)
    return recovered


def export_download_record(*, job: ExportJob, user, http_request=None) -> None:
    """Record who downloaded a produced export (the requester or a national regulator)."""
    audit_record(
        actor=user,
        action=DOWNLOAD_ACTION,
        request=http_request,
        target=export_filename(job),
        details={"job": job.pk, "table": job.table, "rows": job.rows_total},
    )


def rows_per_second(job: ExportJob, now: dt.datetime) -> int | None:
    if not job.started_at or not job.rows_done:
        return None
    seconds = ((job.finished_at or now) - job.started_at).total_seconds()
    return int(job.rows_done / seconds) if seconds > 0 else None


def export_files_purge(*, now: dt.datetime | None = None) -> list[int]:
    """Delete the files of background exports finished more than EXPORT_RETENTION_DAYS ago,
    mark those jobs expired (the record stays); return their ids.

    One UPDATE claims the jobs and clears their file names (a second worker skips the locked
    rows and finds them expired afterwards), then the files go; a file already missing is
    fine. A second run finds nothing left to do.
    """
    from django.conf import settings
    from django.db import connection

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    table = ExportJob._meta.db_table  # our own name; every value below is a parameter
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH gone AS (
                SELECT id, file FROM {table}
                WHERE delivery = %s AND status = %s AND finished_at < %s
                FOR UPDATE SKIP LOCKED
            )
            UPDATE {table} AS job SET status = %s, file = '', file_deleted_at = %s
            FROM gone WHERE job.id = gone.id
            RETURNING gone.id, gone.file
            """,
            [ExportJob.Delivery.JOB, ExportJob.Status.DONE, cutoff, ExportJob.Status.EXPIRED, now],
        )
        expired = cursor.fetchall()
    storage = ExportJob._meta.get_field("file").storage
    for pk, name in expired:
        if not name:
            continue
        try:
            storage.delete(name)  # a missing file is no error (FileSystemStorage ignores it)
        except OSError:
            logger.exception("export job %s: could not delete its file %s", pk, name)
    if expired:
        logger.info("export files purged: %s jobs expired", len(expired))
    return sorted(pk for pk, _name in expired)
