"""Reads of the register import, for MIIT's regulators only (the register is national)."""

from django.db.models import QuerySet

from enforcement.access import is_national
from enforcement.models import RegisterUpload, ScrapRegisterEntry


def register_upload_list(*, user) -> QuerySet[RegisterUpload]:
    """Return the uploads the user may see, newest first: all for MIIT, none otherwise."""
    uploads = RegisterUpload.objects.select_related("uploaded_by").order_by("-created_at", "-pk")
    return uploads if is_national(user) else uploads.none()


def register_upload_get(*, user, pk: int) -> RegisterUpload:
    """Return one upload; raise RegisterUpload.DoesNotExist if it is not visible."""
    return register_upload_list(user=user).get(pk=pk)


def register_unlinked_count(*, upload: RegisterUpload) -> int:
    """Return how many of the upload's entries name no enterprise of the portal (yet)."""
    return ScrapRegisterEntry.objects.filter(upload=upload, dismantler__isnull=True).count()
