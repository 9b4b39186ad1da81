"""Reads of documents: a case's documents for its readers, the public list of fines."""

from django.db.models import QuerySet

from enforcement.documents.models import Document, DocumentKind


def case_documents(*, case) -> list[Document]:
    """Return the case's documents, oldest first (the caller may read the case)."""
    return list(
        case.documents.select_related("authority", "replaces", "issued_by").order_by(
            "issued_at", "pk"
        )
    )


def public_fines() -> QuerySet[Document]:
    """Return the fine decisions in force, for the public list (行政处罚信息公示, art. 48).

    A revoked decision leaves the list (art. 48: withdrawn once the decision is revoked).
    """
    return Document.objects.filter(kind=DocumentKind.FINE_DECISION, revoked_at__isnull=True)


def document_by_token(*, token: str) -> Document:
    """Return the document a verification link names (raise Document.DoesNotExist)."""
    return Document.objects.select_related("authority", "case", "replaced_by").get(token=token)


def document_by_hash(*, sha256: str) -> Document | None:
    """Return the document whose stored PDF has this SHA-256, if any."""
    return (
        Document.objects.select_related("authority", "case").filter(sha256=sha256).first()
        if sha256
        else None
    )
