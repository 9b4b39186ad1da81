"""Guards in front of every view: input no view could handle, and JSON errors under /api/.

- A NUL character in the path or the query string cannot reach PostgreSQL: answered 400
  before any view runs.
- Under /api/ a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is answered 413, and every
  error Django answers outside DRF (an unmatched URL, a body too large, a bad request) comes
  back as the API's JSON error body instead of an HTML page.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"

_MESSAGES = {
    400: lambda: _("请求无效。"),
    403: lambda: _("无权执行该操作。"),
    404: lambda: _("未找到该接口或资源，请核对地址（见 /api/docs/）。"),
    405: lambda: _("该接口不支持此请求方法。"),
    413: lambda: (
        _("请求体过大：最多%(mb)s MB；请分批提交。")
        % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}
    ),
    500: lambda: _("服务器内部错误，请稍后重试。"),
}


def api_error(status: int, detail: str | None = None) -> JsonResponse:
    """Return the API's error body for a status Django answered by itself."""
    message = detail or _MESSAGES.get(status, _MESSAGES[400])()
    return JsonResponse({"detail": str(message), "errors": []}, status=status)


def _has_nul(request) -> bool:
    return (
        "\x00" in request.path
        or "\x00" in request.META.get("QUERY_STRING", "")
        or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        )
    )


def _too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit is not None and length > limit


class ApiGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith(API_PREFIX)
        if _has_nul(request):
            message = _("地址或查询参数含有 NUL 字符（%00），请删除后重试。")
            return api_error(400, message) if is_api else HttpResponseBadRequest(message)
        if is_api and _too_big(request):
            return api_error(413)
        response = self.get_response(request)
        if is_api and response.status_code >= 400 and not _is_json(response):
            return api_error(response.status_code)
        return response

    def process_exception(self, request, exception):
        if request.path.startswith(API_PREFIX) and isinstance(exception, RequestDataTooBig):
            return api_error(413)
        return None


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")
