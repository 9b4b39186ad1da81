"""Documents: download (regulators in scope, the addressee; logged), the public
verification pages (no login), and the public list of fine decisions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from batteries.web.pagination import cursor, keyset_page
from enforcement.documents import selectors
from enforcement.documents.models import Document
from enforcement.documents.services import (
    document_download_log,
    document_matches,
    document_may_read,
    file_sha256,
)

MAX_VERIFY_BYTES = 30 * 1024 * 1024
PAGE_SIZE = 50


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("上传 PDF 文件核对"),
        error_messages={"required": _("请选择要核对的 PDF 文件。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_VERIFY_BYTES:
            raise forms.ValidationError(
                _("文件为 %(size)s MB，超过核对上限 %(max)s MB。")
                % {"size": f"{f.size / 1024 / 1024:.1f}", "max": MAX_VERIFY_BYTES // 1024 // 1024}
            )
        return f


def _client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@login_required
def document_download(request, pk: int):
    """Send a document's PDF to a regulator in scope or a user of the addressee; log it."""
    document = Document.objects.select_related("case").filter(pk=pk).first()
    if document is None or not document_may_read(user=request.user, document=document):
        raise Http404(_("未找到该文书，或您无权下载。"))
    if not document.rendered:
        messages.warning(request, _("文书 %(n)s 正在生成，请稍后再下载。") % {"n": document.number})
        return redirect(document.case)
    document_download_log(document=document, user=request.user, address=_client_address(request))
    response = FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def document_verify(request, token: str):
    """Show what a verification link names, and check an uploaded PDF against it. Public."""
    try:
        document = selectors.document_by_token(token=token)
    except Document.DoesNotExist:
        raise Http404(_("未找到该文书：核验链接无效。")) from None
    form, verdict = VerifyForm(), None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            verdict = document_matches(document=document, uploaded=form.cleaned_data["file"])
    replacement = getattr(document, "replaced_by", None)
    status = 200 if form.is_bound is False or form.is_valid() else 400
    return render(
        request,
        "enforcement/document_verify.html",
        {"doc": document, "form": form, "verdict": verdict, "replacement": replacement},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def document_lookup(request):
    """Tell whether an uploaded PDF is a document the portal issued, unaltered. Public."""
    form, found, checked = VerifyForm(), None, False
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            checked = True
            found = selectors.document_by_hash(sha256=file_sha256(form.cleaned_data["file"]))
    return render(
        request,
        "enforcement/document_lookup.html",
        {"form": form, "found": found, "checked": checked},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def penalty_list(request):
    """The public list of fine decisions in force (行政处罚信息公示), newest first."""
    page = keyset_page(
        selectors.public_fines().select_related("case"),
        after=cursor(request.GET.get("after")),
        before=cursor(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    return render(request, "enforcement/penalty_list.html", {"page": page})


urlpatterns = [
    path("documents/<int:pk>/download/", document_download, name="document_download"),
    path("verify/", document_lookup, name="document_lookup"),
    path("verify/<str:token>/", document_verify, name="document_verify"),
    path("penalties/", penalty_list, name="penalty_list"),
]
