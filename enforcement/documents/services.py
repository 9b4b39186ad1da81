"""Issue, render, revoke and verify documents; log downloads.

`document_issue` runs inside the transaction of the ladder step that issues it: the
number is allocated there (numbering.py), the row written, and the PDF rendering
enqueued to run after the commit on the "documents" queue. The worker renders the PDF
from the frozen snapshot once; a second delivery of the task, or a second worker, finds
the PDF stored (or loses the race to store it) and keeps what is there.
"""

import hashlib
import logging
import os
import secrets
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement import rules
from enforcement.documents.models import KIND_CODES, Authority, Document, DocumentDownload
from enforcement.documents.numbering import number_allocate
from enforcement.services.cases import CaseRefused
from enterprises.scoping import scope_of

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def portal_base_url() -> str:
    """Return the address QR codes and emails point to: settings, environment, or local.

    `PORTAL_BASE_URL` (e.g. https://battery.miit.gov.cn) names the public host of the
    verification pages; the local default suits `make run`.
    """
    value = getattr(settings, "PORTAL_BASE_URL", "") or os.environ.get("PORTAL_BASE_URL", "")
    return (value or DEFAULT_BASE_URL).rstrip("/")


def authority_of(actor) -> Authority:
    """Return the authority an official issues for: MIIT, or its province's department."""
    scope = scope_of(actor)
    found = (
        Authority.objects.filter(code=Authority.NATIONAL).first()
        if scope.national
        else Authority.objects.filter(province=scope.province).first()
        if scope.province
        else None
    )
    if found is None:
        raise CaseRefused(
            "document.no_authority",
            _("未配置签发机关（名称和文号机关代字），请先在管理后台“执法机关”中补充。"),
        )
    return found


def document_issue(
    *,
    case,
    kind: str,
    actor,
    content: dict,
    now,
    amount_fen: int | None = None,
    due_on=None,
    replaces: Document | None = None,
    authority: Authority | None = None,
) -> Document:
    """Write one document with the next number of its authority, kind and year.

    Must run inside the step's transaction: the number is allocated last, just before
    the row is written, so the counter row stays locked as briefly as possible.
    """
    authority = authority or authority_of(actor)
    year = timezone.localdate(now).year
    token = secrets.token_urlsafe(16)
    verify_url = portal_base_url() + reverse("enforcement:document_verify", args=[token])
    sequence = number_allocate(authority_id=authority.pk, kind=kind, year=year)
    document = Document.objects.create(
        case=case,
        kind=kind,
        authority=authority,
        year=year,
        sequence=sequence,
        number=rules.document_number(
            prefix=authority.number_prefix, kind_code=KIND_CODES[kind], year=year, sequence=sequence
        ),
        enterprise=case.enterprise,
        addressee_name=case.enterprise.name,
        addressee_uscc=case.enterprise.uscc,
        content=content,
        amount_fen=amount_fen,
        due_on=due_on,
        token=token,
        verify_url=verify_url,
        issued_by=actor,
        issued_at=now,
        replaces=replaces,
    )
    from enforcement.tasks import document_render

    document_render.delay_on_commit(document.pk)
    return document


def document_revoke(*, document: Document, actor, reason: str, now) -> Document:
    """Mark a document revoked (once; reason required). Its PDF and number stay."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseRefused("document.reason_required", _("撤销文书必须填写理由。"))
    changed = Document.objects.filter(pk=document.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor, revoke_reason=reason
    )
    if not changed:
        raise CaseRefused("document.revoked", _("该文书已被撤销。"))
    document.refresh_from_db()
    return document


def _storage_name(document: Document) -> str:
    # A fresh suffix per attempt: two workers never write the same file; the loser's
    # file is deleted, the stored one is never overwritten.
    return (
        f"documents/{document.year}/{document.authority.code}/"
        f"{document.kind}-{document.sequence:06d}-{uuid.uuid4().hex[:12]}.pdf"
    )


def document_render_run(*, document_id: int) -> str:
    """Render a document's PDF once and store it with its SHA-256; return what happened."""
    from enforcement.documents.render import document_pdf

    document = Document.objects.select_related("authority").get(pk=document_id)
    if document.rendered:
        return "already rendered"
    pdf, pages = document_pdf(document)
    name = default_storage.save(_storage_name(document), ContentFile(pdf))
    stored = Document.objects.filter(pk=document.pk, sha256="").update(
        pdf=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_bytes=len(pdf),
        pages=pages,
        rendered_at=timezone.now(),
    )
    if not stored:
        default_storage.delete(name)
        return "rendered by another worker"
    return f"rendered {pages} page(s)"


def document_matches(*, document: Document, uploaded) -> bool:
    """Return True if an uploaded file is byte for byte the stored PDF of the document."""
    return bool(document.sha256) and file_sha256(uploaded) == document.sha256


def file_sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def document_may_read(*, user, document: Document) -> bool:
    """Return True for regulators in the case's scope and users of the addressee."""
    scope = scope_of(user)
    return rules.may_read_document(
        national=scope.national,
        actor_province=scope.province,
        actor_enterprise_id=scope.enterprise_id,
        case_province=document.case.province,
        addressee_id=document.enterprise_id,
    )


@transaction.atomic
def document_download_log(*, document: Document, user, address: str | None) -> DocumentDownload:
    """Record that `user` downloads the document now (before the file is sent)."""
    return DocumentDownload.objects.create(document=document, user=user, address=address or None)
