"""What every endpoint of the digital-identity API shares: JSON, permissions, error bodies."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from batteries.api.serializers import DetailSerializer, ErrorSerializer
from batteries.services.events import ItemError
from batteries.services.idempotency import HEADER, REPLAYED_HEADER
from batteries.services.packs import REGISTERING_ROLES
from batteries.services.scrap import scrap_reporter_refusal
from config.api import BoundedCursorPagination
from enterprises.models import Enterprise


class ReportsForEnterprise(BasePermission):
    """The caller acts for an approved enterprise (an API key or one of its users)."""

    message = _("只有已获批准企业的账号或 API 密钥可以上报数据；监管账号为只读。")

    def has_permission(self, request, view) -> bool:
        enterprise = getattr(request.user, "enterprise", None)
        return enterprise is not None and enterprise.status == Enterprise.Status.APPROVED


class RegistersPacks(ReportsForEnterprise):
    """The caller acts for an approved battery producer or importer."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if set(request.user.enterprise.roles) & REGISTERING_ROLES:
            return True
        self.message = _("只有电池生产企业或进口商可以登记电池编码。")
        return False


class ScrapsVehicles(ReportsForEnterprise):
    """The caller acts for an approved scrapped-vehicle dismantler."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if scrap_reporter_refusal(request.user.enterprise) is None:
            return True
        self.message = _("只有报废机动车回收拆解企业可以上报报废车辆。")
        return False


class InvalidRequest(APIException):
    """A 400 whose body has the API's error shape: `detail` plus `errors`."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, errors: list[ItemError]):
        super().__init__()
        detail = _("请求有%(n)s处错误。") % {"n": len(errors)}
        self.detail = {"detail": str(detail), "errors": [error.as_dict() for error in errors]}


class FilterBackend(DjangoFilterBackend):
    """django-filter, answering bad filter values with the API's error shape."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidRequest(
                [
                    ItemError(None, name, "filter.invalid", str(message))
                    for name, messages in filterset.errors.items()
                    for message in messages
                ]
            )
        return filterset.qs


class JsonOnly:
    """Answer in JSON only (machine endpoints render no HTML forms); filter the same way."""

    renderer_classes = [JSONRenderer]
    filter_backends = [FilterBackend]


class TimelineCursorPagination(BoundedCursorPagination):
    """A pack's events in chain order, oldest first; no COUNT(*)."""

    ordering = "seq"


def errors_response(errors: list[ItemError], *, batch: bool) -> Response:
    """Return 400 with every problem; the request wrote nothing."""
    if batch:
        detail = _("批次中有%(n)s处错误，未写入任何数据。") % {"n": len(errors)}
    else:
        detail = _("请求有%(n)s处错误，未写入任何数据。") % {"n": len(errors)}
    return Response(
        {"detail": str(detail), "errors": [error.as_dict() for error in errors]},
        status=status.HTTP_400_BAD_REQUEST,
    )


# --- OpenAPI pieces -------------------------------------------------------------------------

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "重试安全：同一密钥、同一请求体的重试返回首次响应（响应头 "
        f"`{REPLAYED_HEADER}: true`），不会重复写入；同一密钥、不同请求体返回 422。"
        "1–128 个可见 ASCII 字符，建议使用 UUID；保留 7 天。 "
        "Retry safety: a retry with the same key and body returns the first response "
        f"(header `{REPLAYED_HEADER}: true`) and writes nothing; the same key with another "
        "body gets 422. 1–128 visible ASCII characters (a UUID is fine); kept for 7 days."
    ),
)

BAD_REQUEST = OpenApiResponse(
    ErrorSerializer,
    description="请求有误，未写入任何数据；`errors` 逐项列出（index, field, code, message）。"
    " Invalid request, nothing written; `errors` lists each problem.",
)
UNAUTHORIZED = OpenApiResponse(DetailSerializer, description="未认证或 API 密钥无效 / bad key")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="无权执行该操作 / role not allowed")
NOT_FOUND = OpenApiResponse(
    DetailSerializer,
    description="不存在或不在您的可见范围内 / unknown or outside the caller's scope",
)
UNPROCESSABLE = OpenApiResponse(
    DetailSerializer,
    description="Idempotency-Key 已用于不同的请求 / key reused with a different request",
)

READ_ERRORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN}
WRITE_ERRORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN, 422: UNPROCESSABLE}
