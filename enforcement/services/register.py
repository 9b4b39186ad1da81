"""Writes of the register import: accept an upload, run it once, record what it imported.

Commit-valid mode: each chunk of valid rows is committed on its own; rows with errors are
not imported and the first 100 errors are kept with their row, column and message. A
re-run of a file counts its certificates as already present.
"""

import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from batteries.imports.columns import HeaderError
from batteries.imports.readers import (
    XLSX,
    FileProblem,
    chunks,
    csv_data_lines,
    file_format,
    open_rows,
    read_header,
    xlsx_data_lines,
)
from common.text import join_sentences
from enforcement.access import is_national
from enforcement.models import RegisterUpload
from enforcement.register import staging
from enforcement.register.rows import RegisterRow, RowError, register_header, register_row_read

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
CHUNK_ROWS = 5_000
ERROR_SAMPLE = 100
SAMPLE_FILE = Path(__file__).resolve().parent.parent / "samples" / "scrap_register_sample.csv"
COMMIT_VALID = _("已导入有效行，错误行未导入。")


def register_upload_create(*, user, upload: UploadedFile) -> RegisterUpload:
    """Store an uploaded register file as a queued upload; enqueue its run once committed.

    The header is checked now: a file missing a column is refused at once, never queued.
    """
    if not is_national(user):
        raise PermissionDenied(_("只有工业和信息化部监管人员可以导入报废机动车回收证明登记。"))
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件过大：最大 %(n)s MB。") % {"n": MAX_UPLOAD_BYTES >> 20})
    try:
        fmt = file_format(upload.name, upload.read(8))
        upload.seek(0)
        register_header(read_header(upload.file, fmt))
    except (FileProblem, HeaderError) as problem:
        raise ValidationError(str(problem.message)) from None
    upload.seek(0)
    total = xlsx_data_lines(upload.file) if fmt == XLSX else csv_data_lines(upload.file)
    upload.seek(0)
    record = RegisterUpload(
        uploaded_by=user, original_name=os.path.basename(upload.name)[:255], rows_total=total
    )
    record.file.save(f"{uuid.uuid4().hex}.{fmt}", upload, save=False)
    try:
        with transaction.atomic():
            record.save()
            _enqueue(record.pk)
    except BaseException:
        record.file.delete(save=False)
        raise
    return record


def _enqueue(upload_id: int) -> None:
    from enforcement.tasks import register_import

    register_import.delay_on_commit(upload_id)


def register_upload_claim(*, upload_id: int) -> bool:
    """Move a queued upload to running; False if another worker (or a re-delivery) has it."""
    return (
        RegisterUpload.objects.filter(pk=upload_id, status=RegisterUpload.Status.QUEUED).update(
            status=RegisterUpload.Status.RUNNING
        )
        == 1
    )


@dataclass
class Outcome:
    """What a run did so far; written to the upload after every chunk."""

    created: int = 0
    duplicate: int = 0
    failed: int = 0
    unknown_dismantler: int = 0
    errors: list[dict] = field(default_factory=list)

    def error(self, problem: RowError) -> None:
        if len(self.errors) < ERROR_SAMPLE:
            self.errors.append(problem.as_dict())

    def fail_row(self, problems: list[RowError]) -> None:
        self.failed += 1
        for problem in problems:
            self.error(problem)


def register_upload_run(*, upload_id: int) -> str:
    """Run a queued upload once; return its final status ("skipped" if not claimed).

    A file that cannot be read, or an unexpected error, marks the upload failed with a
    message instead of raising, so a broken file never makes the task crash-loop.
    """
    if not register_upload_claim(upload_id=upload_id):
        return "skipped"
    record = RegisterUpload.objects.get(pk=upload_id)
    outcome = Outcome()
    try:
        _run(record, outcome)
    except (FileProblem, HeaderError) as problem:
        message = str(problem.message)
        if outcome.created:
            message += str(_("此前已提交的 %(n)s 行保留。") % {"n": outcome.created})
        return _finish(record, outcome, RegisterUpload.Status.FAILED, message)
    except Exception:
        logger.exception("register upload %s failed", upload_id)
        message = _("导入过程中发生内部错误，已停止。此前已提交的 %(n)s 行保留；请联系运维人员。")
        return _finish(
            record, outcome, RegisterUpload.Status.FAILED, str(message % {"n": outcome.created})
        )
    finally:
        staging.stage_drop()
    relinked = staging.entries_relink()
    return _finish(record, outcome, RegisterUpload.Status.DONE, _summary(outcome, relinked))


def _run(record: RegisterUpload, outcome: Outcome) -> None:
    today = timezone.localdate()
    fmt = XLSX if record.file.name.endswith(".xlsx") else "csv"
    seen: dict[str, RegisterRow] = {}
    with _local_path(record) as path, open_rows(path, fmt) as stream:
        header = register_header(stream.header)
        if stream.exact_total is not None:
            record.rows_total = stream.exact_total
        staging.stage_create()
        for chunk in chunks(stream.rows, CHUNK_ROWS):
            valid = []
            for number, cells in chunk:
                row, problems = register_row_read(number, cells, header, today=today)
                if problems:
                    outcome.fail_row(problems)
                elif _first_in_file(row, seen, outcome):
                    valid.append(row)
            with transaction.atomic():
                if valid:
                    _insert(record, valid, outcome)
                _save_progress(record, outcome)


def _first_in_file(row: RegisterRow, seen: dict[str, RegisterRow], outcome: Outcome) -> bool:
    """Keep a certificate's first row; a repeat is a duplicate, or an error if it differs."""
    first = seen.get(row.certificate_no)
    if first is None:
        seen[row.certificate_no] = row
        return True
    if row.same_facts(first):
        outcome.duplicate += 1
    else:
        message = _(
            "证明编号 %(no)s 已在第 %(first)s 行出现，但车辆识别代号、报废日期或拆解企业不同。"
        )
        outcome.fail_row(
            [
                RowError(
                    row.number,
                    "证明编号",
                    "certificate.repeated",
                    str(message % {"no": row.certificate_no, "first": first.number}),
                    row.certificate_no,
                )
            ]
        )
    return False


def _insert(record: RegisterUpload, rows: list[RegisterRow], outcome: Outcome) -> None:
    created, unknown, present = staging.chunk_insert(rows, upload_id=record.pk, now=timezone.now())
    outcome.created += created
    outcome.unknown_dismantler += unknown
    for item in present:
        if item.row.same_facts(item.stored):
            outcome.duplicate += 1
            continue
        stored = item.stored
        message = _(
            "证明编号 %(no)s 已在登记中，登记的是车辆 %(vin)s、报废日期 %(day)s、"
            "拆解企业 %(uscc)s，与本行不同；本行未导入。"
        ) % {
            "no": stored.certificate_no,
            "vin": stored.vin,
            "day": stored.scrapped_on.isoformat(),
            "uscc": stored.dismantler_uscc,
        }
        outcome.fail_row(
            [
                RowError(
                    item.row.number,
                    "证明编号",
                    "certificate.conflict",
                    str(message),
                    stored.certificate_no,
                )
            ]
        )


def _save_progress(record: RegisterUpload, outcome: Outcome) -> None:
    RegisterUpload.objects.filter(pk=record.pk).update(
        rows_total=record.rows_total,
        rows_created=outcome.created,
        rows_duplicate=outcome.duplicate,
        rows_failed=outcome.failed,
        error_sample=outcome.errors,
    )


def _summary(outcome: Outcome, relinked: int) -> str:
    parts = [
        str(
            _("%(mode)s新增 %(created)s 行，已存在 %(dup)s 行，错误 %(failed)s 行。")
            % {
                "mode": COMMIT_VALID if outcome.failed else "",
                "created": outcome.created,
                "dup": outcome.duplicate,
                "failed": outcome.failed,
            }
        )
    ]
    if outcome.unknown_dismantler:
        parts.append(
            str(
                _(
                    "其中 %(n)s 行所列拆解企业未在本平台登记或尚未获批准：这些行已导入，"
                    "但未关联企业，扫描暂不据以认定责任企业。"
                )
                % {"n": outcome.unknown_dismantler}
            )
        )
    if relinked:
        parts.append(
            str(_("另有 %(n)s 条此前导入的登记已关联到新获批准的拆解企业。") % {"n": relinked})
        )
    return join_sentences(parts)


def _finish(record: RegisterUpload, outcome: Outcome, status: str, message: str) -> str:
    _save_progress(record, outcome)
    RegisterUpload.objects.filter(pk=record.pk).update(
        status=status, message=message, finished_at=timezone.now()
    )
    return status


@contextmanager
def _local_path(record: RegisterUpload) -> Iterator[str]:
    """Yield a local path of the stored file (a temporary copy for remote storages)."""
    try:
        path = record.file.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=Path(record.file.name).suffix) as copy:
        with record.file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def register_sample_load(user) -> RegisterUpload:
    """Import the sample register file that ships with the demo, at once. Idempotent.

    The rows name demo vehicles, some of whose packs were never scrapped in the portal.
    """
    existing = RegisterUpload.objects.filter(
        original_name=SAMPLE_FILE.name, status=RegisterUpload.Status.DONE
    ).first()
    if existing is not None:
        return existing
    with SAMPLE_FILE.open("rb") as handle:
        total = csv_data_lines(handle)
    record = RegisterUpload(uploaded_by=user, original_name=SAMPLE_FILE.name, rows_total=total)
    with SAMPLE_FILE.open("rb") as handle:
        record.file.save(f"{uuid.uuid4().hex}.csv", File(handle), save=False)
    record.save()
    register_upload_run(upload_id=record.pk)
    record.refresh_from_db()
    return record
