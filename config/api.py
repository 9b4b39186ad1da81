"""Project-wide REST API plumbing: parsing, error bodies, pagination and throttles.

Every error the API answers has one shape, the one the OpenAPI schema declares:
`{"detail": "…", "errors": [{"index", "field", "code", "message"}, …]}` (`errors` may be
empty), in the caller's language.
"""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.throttling import SimpleRateThrottle

MAX_JSON_DEPTH = 32  # the deepest body the API takes (a batch of events is 4 levels deep)


def _too_deep(value, limit: int) -> bool:
    """Return True if the parsed JSON nests deeper than `limit` (iteratively, no recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _has_nul(value) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


class SafeJSONParser(JSONParser):
    """JSON that PostgreSQL can store: no NUL characters, bounded nesting, no RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            data = json.loads(raw.decode(settings.DEFAULT_CHARSET), parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            message = _("请求体不是有效的 JSON：%(error)s") % {"error": exc}
            raise exceptions.ParseError(message) from None
        except RecursionError:
            raise exceptions.ParseError(_too_deep_message()) from None
        if _too_deep(data, MAX_JSON_DEPTH):
            raise exceptions.ParseError(_too_deep_message())
        if b"\\u0000" in raw and _has_nul(data):
            raise exceptions.ParseError(_("请求体含有 NUL 字符（\\u0000），请删除后重新提交。"))
        return data


def _too_deep_message() -> str:
    return _("请求体嵌套过深：最多%(max)s层。") % {"max": MAX_JSON_DEPTH}


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _error_items(detail, field: str = "") -> list[dict]:
    """Flatten DRF's field → messages detail into the API's error items."""
    if isinstance(detail, dict):
        return [item for name, value in detail.items() for item in _error_items(value, name)]
    if isinstance(detail, list):
        return [item for value in detail for item in _error_items(value, field)]
    code = getattr(detail, "code", "invalid") or "invalid"
    return [{"index": None, "field": field, "code": f"input.{code}", "message": str(detail)}]


def _validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    """Answer every API error in the one documented shape (Django's errors included)."""
    # Imported here, not at module level: rest_framework.views reads DEFAULT_THROTTLE_CLASSES
    # while its APIView class is defined, and that setting names a class in this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到，或不在您的可见范围内。"))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _error_items(exc.detail)
        detail = _("请求有%(n)s处错误。") % {"n": len(errors)}
        response.data = {"detail": str(detail), "errors": errors}
    elif isinstance(response.data, dict) and set(response.data) == {"detail"}:
        response.data = {"detail": str(response.data["detail"]), "errors": []}
    return response


class _BoundedPageSize:
    """Refuse a page size that is not a whole number from 1 to max_page_size (no silent 50)."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("应为 1–%(max)s 之间的整数。") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [_("分页游标无效：请使用响应中 next/previous 链接。")]}
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_page_size}
        return parameters


class CreatedCursorPagination(_BoundedPageSize, CursorPagination):
    """Keyset pagination on the primary key: no COUNT(*), stable under inserts."""

    ordering = "-pk"


class BoundedCursorPagination(_BoundedPageSize, CursorPagination):
    """A cursor pagination with the API's page-size bounds; subclasses set `ordering`."""


def _caller(request) -> str | None:
    api_key = getattr(request.user, "api_key", None)
    if api_key is not None:
        return f"key-{api_key.pk}"
    if request.user and request.user.is_authenticated:
        return f"user-{request.user.pk}"
    return None


class _CallerThrottle(SimpleRateThrottle):
    """Count requests per API key or signed-in user (anonymous callers are refused anyway).

    Requests, not items, are counted: a system sending 10,000-event batches makes a few
    requests a minute and is never slowed; a key hammering single requests is (0012).
    The rate is read from the settings at each request, so it can be changed in tests.
    """

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_cache_key(self, request, view):
        ident = _caller(request)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CallerBurstThrottle(_CallerThrottle):
    scope = "burst"


class CallerSustainedThrottle(_CallerThrottle):
    scope = "sustained"


# The old name, kept for anything that imported it.
CallerRateThrottle = CallerSustainedThrottle
