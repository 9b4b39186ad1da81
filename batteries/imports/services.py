"""Writes of the import channel: accept an upload, run a batch once, record its outcome."""

import hashlib
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.imports.columns import HeaderError, header_map
from batteries.imports.events import EventImport
from batteries.imports.packs import PackImport
from batteries.imports.readers import (
    SNIFF_BYTES,
    XLSX,
    FileProblem,
    RowStream,
    csv_data_lines,
    file_format,
    open_rows,
    read_header,
    xlsx_data_lines,
)
from batteries.imports.report import Counters, ErrorReport, ImportRejected, Progress
from batteries.imports.scrapped import ScrapImport
from batteries.models import ImportBatch
from batteries.services.packs import REGISTERING_ROLES
from batteries.services.scrap import scrap_reporter_refusal
from enterprises.models import Enterprise

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 500 * 1024 * 1024


def import_batch_create(*, user, kind: str, mode: str, upload: UploadedFile) -> ImportBatch:
    """Store an uploaded file as a queued batch and enqueue its run once committed.

    The header is checked now, so a file with missing or unknown columns is refused at
    once and never queued.
    """
    enterprise = _importing_enterprise(user, kind)
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件过大：最大 %(n)s MB。") % {"n": MAX_UPLOAD_BYTES >> 20})
    try:
        fmt = file_format(upload.name, upload.read(8))
        upload.seek(0)
        header_map(kind, read_header(upload.file, fmt))
    except (FileProblem, HeaderError) as problem:
        raise ValidationError(problem.message) from None
    upload.seek(0)
    batch = ImportBatch(
        enterprise=enterprise,
        uploaded_by=user,
        kind=kind,
        mode=mode,
        original_name=os.path.basename(upload.name)[:255],
        file_sha256=_sha256(upload),
        rows_total=_estimate_rows(upload, fmt),
    )
    batch.file.save(f"{uuid.uuid4().hex}.{fmt}", upload, save=False)
    try:
        with transaction.atomic():
            batch.save()
            _enqueue(batch.pk)
    except BaseException:
        batch.file.delete(save=False)
        raise
    return batch


def _importing_enterprise(user, kind: str) -> Enterprise:
    enterprise = getattr(user, "enterprise", None)
    if enterprise is None:
        raise PermissionDenied(_("只有企业用户可以导入数据。"))
    problem = import_refusal(enterprise, kind)
    if problem:
        raise PermissionDenied(problem)
    return enterprise


def import_refusal(enterprise: Enterprise, kind: str) -> str:
    """Return why this enterprise may not import this kind of file now, or ''."""
    if not enterprise.is_approved:
        return str(
            _("企业当前状态为“%(s)s”，获批准后才能导入数据。")
            % {"s": enterprise.get_status_display()}
        )
    if kind == ImportBatch.Kind.PACKS and not set(enterprise.roles) & REGISTERING_ROLES:
        return str(_("只有电池生产企业或进口商可以登记电池编码。"))
    if kind == ImportBatch.Kind.SCRAPPED_VEHICLES and scrap_reporter_refusal(enterprise):
        return str(scrap_reporter_refusal(enterprise)[1])
    return ""


def _enqueue(batch_id: int) -> None:
    from batteries.imports.tasks import import_run

    import_run.delay_on_commit(batch_id)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _estimate_rows(upload: UploadedFile, fmt: str) -> int | None:
    """Count data rows cheaply so the progress bar has a denominator from the start."""
    upload.seek(0)
    rows = xlsx_data_lines(upload.file) if fmt == XLSX else csv_data_lines(upload.file)
    upload.seek(0)
    return rows


# --- Running a batch -------------------------------------------------------------------------


def import_batch_claim(*, batch_id: int) -> bool:
    """Move a queued batch to running; False if another worker (or a re-delivery) has it."""
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    return claimed == 1


# A running batch writes its progress at least every chunk (seconds apart); one silent for
# this long lost its worker (killed, out of memory, machine restarted).
STALE_AFTER = timedelta(minutes=15)


def import_batches_recover(*, now: datetime | None = None) -> list[int]:
    """Mark running batches whose worker stopped as failed; return their ids.

    Each batch is claimed with a conditional UPDATE, so two recovery runs never both act on
    it. What the batch committed before it stopped stays; the message tells the uploader.
    """
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).filter(
        # Batches claimed before heartbeats existed have only their start time.
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    recovered = []
    for batch in stale.only("pk", "mode", "rows_created", "heartbeat_at", "started_at"):
        if batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
            kept, rows_created = _("其事务已随之回滚，未导入任何数据。"), 0
        else:
            rows_created = batch.rows_created
            kept = _("此前已提交的 %(n)s 行保留；重新上传同一文件时，这些行将计为已存在。") % {
                "n": rows_created
            }
        last = batch.heartbeat_at or batch.started_at
        message = _("处理该文件的后台任务已中断（最近一次进度：%(at)s），导入已停止。%(kept)s") % {
            "at": timezone.localtime(last).strftime("%Y-%m-%d %H:%M"),
            "kept": kept,
        }
        changed = ImportBatch.objects.filter(
            pk=batch.pk, status=ImportBatch.Status.RUNNING, heartbeat_at=batch.heartbeat_at
        ).update(
            status=ImportBatch.Status.FAILED,
            message=str(message),
            finished_at=now,
            rows_created=rows_created,
        )
        if changed:
            logger.warning("import batch %s: worker lost, marked failed", batch.pk)
            recovered.append(batch.pk)
    return recovered


def import_batch_run(*, batch_id: int) -> str:
    """Run a queued batch once; return its final status ("skipped" if not claimed).

    An unexpected error marks the batch failed with a message instead of raising, so a
    broken file never makes the task crash-loop.
    """
    if not import_batch_claim(batch_id=batch_id):
        return "skipped"
    batch = ImportBatch.objects.select_related("enterprise", "uploaded_by").get(pk=batch_id)
    report, progress = ErrorReport(), Progress(batch.pk)
    importer = None
    try:
        refusal = import_refusal(batch.enterprise, batch.kind)
        if refusal:
            raise ImportRejected(refusal)
        importer = IMPORTERS[batch.kind](batch, report=report, progress=progress)
        counters = importer.run(lambda: _rows_of(batch))
        timings = {step: round(s, 2) for step, s in getattr(importer, "timings", {}).items()}
        logger.info("import batch %s: %s; seconds per step %s", batch.pk, counters, timings)
    except (ImportRejected, HeaderError, FileProblem) as refused:
        counters = importer.counters if importer else Counters()
        message = refused.message
        if batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
            counters.rows_created = counters.rows_warned = 0
        elif counters.rows_created:
            kept = _("此前已提交的 %(n)s 行保留。") % {"n": counters.rows_created}
            message = f"{message} {kept}"
        return _finish(batch, report, counters, ImportBatch.Status.REJECTED, message)
    except Exception as exc:
        logger.exception("import batch %s failed", batch.pk)
        return _finish_failed(batch, report, exc)
    return _finish(batch, report, counters, *_outcome(batch, counters), complete=True)


IMPORTERS = {
    ImportBatch.Kind.PACKS: PackImport,
    ImportBatch.Kind.EVENTS: EventImport,
    ImportBatch.Kind.SCRAPPED_VEHICLES: ScrapImport,
}


def _outcome(batch: ImportBatch, counters: Counters) -> tuple[str, str]:
    if batch.mode == ImportBatch.Mode.ALL_OR_NOTHING and counters.rows_failed:
        message = _("文件中有 %(n)s 行存在错误。按“有任何错误则全部不导入”方式，未导入任何数据。")
        return ImportBatch.Status.REJECTED, str(message % {"n": counters.rows_failed})
    if not counters.rows_done:
        return ImportBatch.Status.DONE, str(_("文件中没有数据行。"))
    return ImportBatch.Status.DONE, ""


def _finish(
    batch: ImportBatch,
    report: ErrorReport,
    counters: Counters,
    status: str,
    message: str,
    *,
    complete: bool = False,
) -> str:
    """Record the outcome with one UPDATE; `complete` means the whole file was read."""
    path = report.close()
    if path:
        with open(path, "rb") as handle:
            batch.error_report.save(f"import-{batch.pk}-errors.csv", File(handle), save=False)
        os.unlink(path)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        message=message,
        finished_at=timezone.now(),
        rows_total=counters.rows_done if complete else batch.rows_total,
        error_sample=report.sample,
        error_report=batch.error_report.name or "",
        **counters.as_dict(),
    )
    return status


def _finish_failed(batch: ImportBatch, report: ErrorReport, exc: Exception) -> str:
    committed = ImportBatch.objects.get(pk=batch.pk)  # the counters of committed chunks
    counters = Counters(
        rows_done=committed.rows_done,
        rows_created=committed.rows_created,
        rows_duplicate=committed.rows_duplicate,
        rows_failed=committed.rows_failed,
        rows_warned=committed.rows_warned,
    )
    if batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
        counters.rows_created = counters.rows_warned = 0
        kept = _("未导入任何数据。")
    else:
        kept = _("失败前已提交的 %(n)s 行保留；重新上传同一文件时，这些行将计为已存在。") % {
            "n": counters.rows_created
        }
    message = _("导入过程中发生系统错误（%(error)s），已停止。%(kept)s请联系平台管理员。") % {
        "error": exc.__class__.__name__,
        "kept": kept,
    }
    return _finish(batch, report, counters, ImportBatch.Status.FAILED, str(message))


@contextmanager
def _rows_of(batch: ImportBatch) -> Iterator[RowStream]:
    with _local_copy(batch) as path:
        with open(path, "rb") as handle:
            fmt = file_format(batch.file.name, handle.read(SNIFF_BYTES))
        with open_rows(path, fmt) as stream:
            yield stream


@contextmanager
def _local_copy(batch: ImportBatch) -> Iterator[str]:
    """Yield a local path of the stored file (a temporary copy for remote storages)."""
    try:
        path = batch.file.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=os.path.splitext(batch.file.name)[1]) as copy:
        with batch.file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name
