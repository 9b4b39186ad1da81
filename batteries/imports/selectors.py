"""Reads of the import channel, always scoped to the caller."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from batteries.models import ImportBatch

FINISHED = {ImportBatch.Status.DONE, ImportBatch.Status.REJECTED, ImportBatch.Status.FAILED}


def import_list(*, user) -> QuerySet[ImportBatch]:
    """Return the batches the user may see, newest first (regulators: their province)."""
    return (
        ImportBatch.objects.scoped_for(user)
        .select_related("enterprise", "uploaded_by")
        .order_by("-created_at", "-pk")
    )


def import_problems(*, user, since) -> QuerySet[ImportBatch]:
    """Return the visible batches since `since` that were refused, failed or had error rows."""
    failed = Q(status__in=[ImportBatch.Status.REJECTED, ImportBatch.Status.FAILED])
    return import_list(user=user).filter(failed | Q(rows_failed__gt=0), created_at__gte=since)


def import_get(*, user, pk: int) -> ImportBatch:
    """Return one visible batch; raise ImportBatch.DoesNotExist if hidden or unknown."""
    return import_list(user=user).get(pk=pk)


def import_same_file(*, batch: ImportBatch) -> ImportBatch | None:
    """Return the latest earlier batch of the same enterprise with the same file content."""
    if not batch.file_sha256:
        return None
    return (
        ImportBatch.objects.filter(
            enterprise_id=batch.enterprise_id, file_sha256=batch.file_sha256, pk__lt=batch.pk
        )
        .order_by("-pk")
        .first()
    )


@dataclass(frozen=True)
class ImportProgress:
    finished: bool
    percent: int
    rows_per_second: int | None
    eta_seconds: int | None

    def as_dict(self) -> dict:
        return {
            "finished": self.finished,
            "percent": self.percent,
            "rows_per_second": self.rows_per_second,
            "eta_seconds": self.eta_seconds,
        }


def import_progress(*, batch: ImportBatch, now: datetime) -> ImportProgress:
    """Return the bar's percentage, the speed since the start and the time left."""
    finished = batch.status in FINISHED
    total, done = batch.rows_total or 0, batch.rows_done
    if finished and batch.status != ImportBatch.Status.FAILED:
        percent = 100
    else:
        percent = min(int(done * 100 / total), 99 if not finished else 100) if total else 0
    rate = eta = None
    if batch.started_at and done:
        end = batch.finished_at or now
        elapsed = max((end - batch.started_at).total_seconds(), 0.001)
        rate = int(done / elapsed)
        if not finished and total > done and rate:
            eta = int((total - done) / rate) + 1
    return ImportProgress(finished, percent, rate, eta)
