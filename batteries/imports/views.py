"""Screens of the import channel: upload, history, progress, error report, templates."""

import codecs
import csv
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from batteries.imports import samples, selectors
from batteries.imports.forms import KIND_HELP, MODE_HELP, ImportUploadForm
from batteries.imports.readers import CSV, XLSX, open_rows
from batteries.imports.report import correction_rows, stored_problems
from batteries.imports.services import import_batch_create, import_refusal
from batteries.models import ImportBatch
from batteries.web.stored_text import stored_text
from enterprises.views.access import enterprise_user_required

PAGE_SIZE = 50


def _reader_required(user) -> None:
    if not (user.is_regulator or user.enterprise_id):
        raise PermissionDenied(_("仅限企业用户和监管人员访问。"))


def _batch_or_404(request, pk: int) -> ImportBatch:
    _reader_required(request.user)
    try:
        return selectors.import_get(user=request.user, pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404(_("导入批次不存在或无权查看。")) from None


def _upload_context(request, form: ImportUploadForm | None = None) -> dict:
    enterprise = request.user.enterprise
    return {
        "form": form or ImportUploadForm(),
        "upload_refusal": import_refusal(enterprise, ""),
        "kind_help": KIND_HELP,
        "mode_help": MODE_HELP,
        "can_register": not import_refusal(enterprise, ImportBatch.Kind.PACKS),
        "can_scrap": not import_refusal(enterprise, ImportBatch.Kind.SCRAPPED_VEHICLES),
    }


@require_GET
@login_required
def import_list(request):
    """Show the upload form (enterprise users) and the history of imports in scope."""
    _reader_required(request.user)
    page = Paginator(selectors.import_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page}
    if request.user.enterprise_id:
        context |= _upload_context(request)
    return render(request, "batteries/imports/list.html", context)


@require_http_methods(["GET", "POST"])
@enterprise_user_required
def import_new(request):
    """Accept a file: store it as a queued batch and go to its progress page."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batch_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("batteries:import_detail", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    context = _upload_context(request, form)
    return render(request, "batteries/imports/new.html", context, status=status)


@require_GET
@login_required
def import_detail(request, pk: int):
    """Show one batch: its mode, live progress and, when finished, what was committed."""
    batch = _batch_or_404(request, pk)
    context = _progress_context(batch)
    context["same_file"] = selectors.import_same_file(batch=batch)
    context["mode_help"] = MODE_HELP.get(batch.mode, "")
    return render(request, "batteries/imports/detail.html", context)


def _progress_context(batch: ImportBatch) -> dict:
    return {
        "batch": batch,
        "progress": selectors.import_progress(batch=batch, now=timezone.now()),
        # Stored in Chinese by the worker: shown in the reader's language.
        "message": stored_text(batch.message),
        "sample": [
            {**entry, "message": stored_text(entry["message"])} for entry in batch.error_sample
        ],
    }


@never_cache
@require_GET
@login_required
def import_progress(request, pk: int):
    """Return the progress as an htmx partial, or as JSON when asked for it."""
    batch = _batch_or_404(request, pk)
    context = _progress_context(batch)
    wants_json = request.GET.get("format") == "json" or (
        "application/json" in request.headers.get("Accept", "")
    )
    if wants_json:
        return JsonResponse(_progress_json(batch, context["progress"]))
    return render(request, "batteries/imports/_progress.html", context)


def _progress_json(batch: ImportBatch, progress: selectors.ImportProgress) -> dict:
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "mode": batch.mode,
        "rows_total": batch.rows_total,
        "rows_done": batch.rows_done,
        "rows_created": batch.rows_created,
        "rows_duplicate": batch.rows_duplicate,
        "rows_failed": batch.rows_failed,
        "rows_warned": batch.rows_warned,
        "message": batch.message,
        **progress.as_dict(),
    }


@require_GET
@login_required
def import_errors(request, pk: int):
    """Download the rows to correct: the file's own columns plus outcome and problems.

    Same format as the upload (CSV in UTF-8 with BOM, or XLSX); corrected, it is uploaded
    again as it is. Rows recorded with a warning are in it too, marked 提示，已记录.
    """
    batch = _batch_or_404(request, pk)
    if not batch.error_report:
        raise Http404(_("该批次没有错误报告。"))
    every_row = (
        batch.mode == ImportBatch.Mode.ALL_OR_NOTHING
        and batch.status == ImportBatch.Status.REJECTED
        and batch.rows_failed > 0
    )
    fmt = XLSX if batch.file.name.lower().endswith(".xlsx") else CSV
    stem = os.path.splitext(batch.original_name)[0] or str(batch.pk)
    filename = f"{stem}-{_('待修改的行')}-{batch.pk}.{fmt}"
    lines = _in_language(_correction_lines(batch, fmt, every_row), get_language())
    if fmt == CSV:
        response = StreamingHttpResponse(_csv_stream(lines), content_type="text/csv; charset=utf-8")
    else:
        response = FileResponse(_xlsx_file(lines), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _correction_lines(batch: ImportBatch, fmt: str, every_row: bool):
    """Yield the correction file's lines, reading the upload and the report as they go."""
    with (
        _local_path(batch.file) as upload,
        _local_path(batch.error_report) as report,
        open_rows(upload, fmt) as stream,
    ):
        yield from correction_rows(
            stream.rows, list(stream.header), stored_problems(report), every_row=every_row
        )


def _in_language(lines, language: str):
    """Yield the lines in the reader's language, also once the view has returned (streaming)."""
    with translation.override(language):
        yield from lines


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(lines) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8
    for line in lines:
        yield writer.writerow(["" if cell is None else cell for cell in line]).encode("utf-8")


def _xlsx_file(lines):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("待修改的行")))
    for line in lines:
        sheet.append(line)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it, deleting it
    workbook.save(handle)
    handle.seek(0)
    return handle


@contextmanager
def _local_path(stored) -> Iterator[str]:
    """Yield a local path of a stored file (a temporary copy for remote storages)."""
    try:
        path = stored.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    suffix = os.path.splitext(stored.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, stored.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


@require_GET
@login_required
def import_template(request, kind: str, fmt: str):
    """Download an empty template with the Chinese headers and one example row."""
    if kind not in ImportBatch.Kind.values or fmt not in samples.FORMATS:
        raise Http404(_("没有这种模板。"))
    enterprise = request.user.enterprise
    label = ImportBatch.Kind(kind).label
    if fmt == "csv":
        body, content_type = samples.template_csv(kind, enterprise), "text/csv; charset=utf-8"
    else:
        body = samples.template_xlsx(kind, enterprise)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = _attachment(f"{label}导入模板.{fmt}")
    return response


def _attachment(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=filename)
