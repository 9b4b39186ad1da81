"""Project-wide REST API plumbing: error handling and pagination."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.throttling import UserRateThrottle


def _validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    """Turn Django's ValidationError into HTTP 400 (not 500) and PermissionDenied into 403."""
    # Imported here, not at module level: rest_framework.views reads DEFAULT_THROTTLE_CLASSES
    # while its APIView class is defined, and that setting names a class in this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)


class CreatedCursorPagination(CursorPagination):
    """Keyset pagination on the primary key: no COUNT(*), stable under inserts."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 1000


class CallerRateThrottle(UserRateThrottle):
    """Rate-limit each API key and each signed-in user separately.

    API-key callers have no user id, so DRF's UserRateThrottle would put every key of every
    enterprise into one shared bucket.
    """

    def get_cache_key(self, request, view):
        api_key = getattr(request.user, "api_key", None)
        if api_key is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"key-{api_key.pk}"}
        return super().get_cache_key(request, view)
