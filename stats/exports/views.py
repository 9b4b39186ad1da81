"""Export screens: choose, download at once or follow a job's progress, the export log.

`new` is what the dashboards' export buttons link to:
`/stats/exports/new/?table=<name>&format=xlsx|csv&month_from=YYYY-MM&month_to=YYYY-MM&…`.
A small export downloads at once; a large one shows how many rows it holds and asks to
produce it in the background (POST), then follows the job's progress page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from enterprises.models import PROVINCE_CHOICES
from stats.exports import services
from stats.exports.filters import FiguresForm
from stats.exports.models import ExportJob
from stats.exports.tables import FIGURE_TABLES, RECORD_TABLES, REPORT_TABLES, TABLES

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
PAGE_SIZE = 50


def _refused(request, exc: ValidationError):
    """A bad table, format or filter: say what was wrong (400), never a 500."""
    return render(
        request,
        "stats/exports/refused.html",
        {"problems": exc.messages, "tables": TABLES.values()},
        status=400,
    )


def _job_or_404(request, pk: int) -> ExportJob:
    try:
        return ExportJob.objects.visible_to(request.user).select_related("user").get(pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404(_("导出记录不存在或无权查看。")) from None


@require_GET
@login_required
def index(request):
    """List what can be exported, with the statistics filters, and the user's last exports."""
    return render(
        request,
        "stats/exports/index.html",
        {
            "groups": [
                (_("统计报表"), REPORT_TABLES),
                (_("统计指标"), FIGURE_TABLES),
                (_("明细清单"), RECORD_TABLES),
            ],
            "form": FiguresForm(),
            "provinces": PROVINCE_CHOICES,
            "show_province": request.user.is_regulator and not request.user.province,
            "jobs": ExportJob.objects.filter(user=request.user)[:10],
            "retention_days": settings.EXPORT_RETENTION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def new(request):
    """Serve a small export at once; offer (GET) or start (POST) a background job."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        export = services.export_request(user=request.user, data=data)
        source = services.export_source(export, request.user)
    except ValidationError as exc:
        return _refused(request, exc)
    if request.method == "POST":
        job = services.export_job_create(user=request.user, request=export, http_request=request)
        return redirect("stats_exports:detail", pk=job.pk)
    if not source.direct:
        return render(
            request,
            "stats/exports/confirm.html",
            {"export": export, "limit": services.DIRECT_LIMIT, "params": data.items()},
        )
    job, handle = services.export_direct(
        user=request.user, request=export, source=source, http_request=request
    )
    response = FileResponse(handle, content_type=CONTENT_TYPES[export.format])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=services.export_filename(job)
    )
    return response


@require_GET
@login_required
def detail(request, pk: int):
    """Show one export: what, for whom, its progress and, when done, the download link."""
    job = _job_or_404(request, pk)
    return render(request, "stats/exports/detail.html", _progress_context(job))


def _progress_context(job: ExportJob) -> dict:
    return {
        "job": job,
        "rows_per_second": services.rows_per_second(job, timezone.now()),
        "retention_days": settings.EXPORT_RETENTION_DAYS,
    }


@never_cache
@require_GET
@login_required
def progress(request, pk: int):
    """Return the progress as an htmx partial, or as JSON when asked for it."""
    job = _job_or_404(request, pk)
    if request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse(
            {
                "id": job.pk,
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "rows_total": job.rows_total,
                "rows_done": job.rows_done,
                "percent": job.percent,
                "error": job.error,
                "file_deleted_at": job.file_deleted_at,
            }
        )
    return render(request, "stats/exports/_progress.html", _progress_context(job))


@require_GET
@login_required
def download(request, pk: int):
    """Download a produced export: only its requester or a national regulator."""
    job = _job_or_404(request, pk)
    if job.status == ExportJob.Status.EXPIRED:
        return _expired(request, job)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404(_("该导出尚未生成文件。"))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        # Removed from the storage by hand, before the nightly purge: the same answer.
        return _expired(request, job)
    services.export_download_record(job=job, user=request.user, http_request=request)
    response = FileResponse(handle, content_type=CONTENT_TYPES[job.format])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=services.export_filename(job)
    )
    return response


def _expired(request, job: ExportJob):
    """The file is gone (410): say since when and why, and offer the same export again."""
    return render(
        request,
        "stats/exports/expired.html",
        {"job": job, "retention_days": settings.EXPORT_RETENTION_DAYS},
        status=410,
    )


@require_GET
@login_required
def log(request):
    """The export log: national regulators see every export, anybody else their own."""
    if not request.user.is_regulator and not request.user.enterprise_id:
        raise PermissionDenied(_("仅限监管人员和企业用户访问。"))
    jobs = ExportJob.objects.visible_to(request.user).select_related("user")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/exports/log.html",
        {"page": page, "retention_days": settings.EXPORT_RETENTION_DAYS},
    )
