"""Uploading the commerce authorities' scrapped-vehicle certificate register.

MIIT's regulators only: provincial regulators and enterprises get 403 on every page.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from enforcement.access import national_required
from enforcement.models import RegisterUpload
from enforcement.register import samples, selectors
from enforcement.register.forms import RegisterUploadForm
from enforcement.register.rows import COLUMNS
from enforcement.services.register import register_upload_create

PAGE_SIZE = 20
ACTIVE = (RegisterUpload.Status.QUEUED, RegisterUpload.Status.RUNNING)


@require_http_methods(["GET", "POST"])
@national_required
def register_list(request):
    """Show the upload form and the uploads so far; accept a file and go to its page."""
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = register_upload_create(user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("enforcement:register_detail", pk=upload.pk)
    page = Paginator(selectors.register_upload_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "columns": COLUMNS,
        "polling": any(upload.status in ACTIVE for upload in page),
    }
    if request.htmx and request.method == "GET":
        return render(request, "enforcement/_register_table.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "enforcement/register_list.html", context, status=status)


def _upload_or_404(request, pk: int) -> RegisterUpload:
    try:
        return selectors.register_upload_get(user=request.user, pk=pk)
    except RegisterUpload.DoesNotExist:
        raise Http404(_("没有这次导入。")) from None


def _status_context(upload: RegisterUpload) -> dict:
    done = upload.rows_created + upload.rows_duplicate + upload.rows_failed
    total = upload.rows_total or 0
    percent = 100 if upload.status == RegisterUpload.Status.DONE else 0
    if total and upload.status in ACTIVE:
        percent = min(99, done * 100 // total)
    return {
        "upload": upload,
        "rows_done": done,
        "percent": percent,
        "active": upload.status in ACTIVE,
        "unlinked": selectors.register_unlinked_count(upload=upload),
    }


@require_GET
@national_required
def register_detail(request, pk: int):
    """Show one upload: status, counts, the dismantlers not in the portal, the first errors."""
    upload = _upload_or_404(request, pk)
    return render(request, "enforcement/register_detail.html", _status_context(upload))


@never_cache
@require_GET
@national_required
def register_status(request, pk: int):
    """Return the status card alone, for the page to poll while the file is processed."""
    upload = _upload_or_404(request, pk)
    return render(request, "enforcement/_register_status.html", _status_context(upload))


@require_GET
@national_required
def register_template(request):
    """Download the empty template (CSV, UTF-8 with BOM) with one example row."""
    response = HttpResponse(samples.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="报废机动车回收证明登记导入模板.csv"
    )
    return response


urlpatterns = [
    path("register/", register_list, name="register_list"),
    path("register/template.csv", register_template, name="register_template"),
    path("register/<int:pk>/", register_detail, name="register_detail"),
    path("register/<int:pk>/status/", register_status, name="register_status"),
]
